using System.Diagnostics;

namespace SeQuIn.Benchmarks;

/// <summary>Progress lines on stdout, stamped with the time since the harness started.</summary>
public static class Progress
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Say(string message) => Console.WriteLine($"  [{Clock.Elapsed:mm\\:ss}] {message}");
}
