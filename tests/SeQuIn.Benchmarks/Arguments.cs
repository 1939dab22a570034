namespace SeQuIn.Benchmarks;

/// <summary>"--name value" pairs.</summary>
public sealed class Arguments(Dictionary<string, string> values)
{
    public static Arguments Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (name is null)
            {
                name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : throw new ArgumentException($"Expected --option, got '{arg}'.");
            }
            else
            {
                values[name] = arg;
                name = null;
            }
        }
        return name is null ? new Arguments(values) : throw new ArgumentException($"--{name} needs a value.");
    }

    public string Required(string name) => values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");

    public string Optional(string name, string fallback) => values.GetValueOrDefault(name, fallback);
}
