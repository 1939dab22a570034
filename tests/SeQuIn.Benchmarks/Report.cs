using System.Text.Json;

namespace SeQuIn.Benchmarks;

public static class Report
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };
}
