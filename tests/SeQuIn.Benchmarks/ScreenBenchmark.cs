using System.Diagnostics;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Tests.Assessments;

namespace SeQuIn.Benchmarks;

/// <summary>
/// The privacy screen's throughput (no database): MB/s of <see cref="PrivacyScreen.Find"/> on adversarial and on
/// ordinary text, against a plain linear pass over the same text (a loop counting digits), and how its time grows
/// when the input is four times longer (about 4 for linear work; 16 would be quadratic). MB here is 10^6
/// characters; every input is ASCII but the NBSP one, so characters and UTF-8 bytes agree.
/// </summary>
public static class ScreenBenchmark
{
    public sealed record Figure(string Input, double Megabytes, double ScreenMBps, double BaselineMBps, double Ratio, string? Found);

    public static IReadOnlyList<Figure> Run(double secondsPerFigure)
    {
        var today = ScreenCorpora.Today;
        const int megabyte = 1_000_000;
        var ordinary = string.Join('\n', ScreenCorpora.Ordinary());
        var inputs = new (string Name, string Text)[]
        {
            ("\"dob\" + 1 MB of spaces + \"x\" (the issue)", "dob" + new string(' ', megabyte) + "x"),
            ("\"dob\" + 1 MB of no-break spaces + \"x\"", "dob" + new string('\u00a0', megabyte) + "x"),
            ("1 MB of digits", new string('7', megabyte)),
            ("1 MB of \"@\"", new string('@', megabyte)),
            ("1 MB of \"a@\"", Repeat("a@", megabyte)),
            ("1 MB of \"(at)\"", Repeat("(at)", megabyte)),
            ("1 MB of digits and separators \"1 2-3.4/\"", Repeat("1 2-3.4/", megabyte)),
            ("1 MB of \"0-\"", Repeat("0-", megabyte)),
            ("1 MB of \"dob \"", Repeat("dob ", megabyte)),
            ("1 MB of \"12/03/\"", Repeat("12/03/", megabyte)),
            ("ordinary text: the pass corpus to 10 MB", Repeat(ordinary + "\n", 10 * megabyte)),
        };
        // Warm up on short texts first, as a service does, so that what is timed is the optimised code.
        for (var round = 0; round < 50; round++)
        {
            foreach (var sentence in ScreenCorpora.Ordinary())
            {
                PrivacyScreen.Find(sentence, today);
            }
        }
        var figures = new List<Figure>();
        foreach (var (name, text) in inputs)
        {
            var found = PrivacyScreen.Find(text, today);
            var screen = Best(() => PrivacyScreen.Find(text, today) is null ? 0 : 1, secondsPerFigure);
            var baseline = Best(() => CountDigits(text), secondsPerFigure);
            var mb = text.Length / 1e6;
            figures.Add(new Figure(name, mb, mb / screen, mb / baseline, baseline / screen, found?.ToString()));
        }
        return figures;
    }

    /// <summary>Time on 4 MB over time on 1 MB of the issue's input and of the digit-separator mix.</summary>
    public static IReadOnlyList<(string Input, double Growth)> Growth(double secondsPerFigure)
    {
        var today = ScreenCorpora.Today;
        (string, Func<int, string>)[] shapes =
        [
            ("\"dob\" + n spaces + \"x\"", n => "dob" + new string(' ', n) + "x"),
            ("digits and separators", n => Repeat("1 2-3.4/", n)),
            ("\"a@\" repeated", n => Repeat("a@", n)),
        ];
        return shapes.Select(shape =>
        {
            var small = shape.Item2(1_000_000);
            var large = shape.Item2(4_000_000);
            return (shape.Item1, Best(() => PrivacyScreen.Find(large, today) is null ? 0 : 1, secondsPerFigure)
                / Best(() => PrivacyScreen.Find(small, today) is null ? 0 : 1, secondsPerFigure));
        }).ToList();
    }

    public static void Print(IReadOnlyList<Figure> figures, IReadOnlyList<(string Input, double Growth)> growth)
    {
        Console.WriteLine($"{"input",-46} {"MB",6} {"screen MB/s",12} {"baseline MB/s",14} {"ratio",7}  found");
        foreach (var f in figures)
        {
            Console.WriteLine($"{f.Input,-46} {f.Megabytes,6:0.0} {f.ScreenMBps,12:N1} {f.BaselineMBps,14:N1} {f.Ratio,7:0.000}  {f.Found ?? "-"}");
        }
        Console.WriteLine();
        Console.WriteLine("time on 4 MB / time on 1 MB (4 is linear, 16 would be quadratic):");
        foreach (var (input, ratio) in growth)
        {
            Console.WriteLine($"  {input,-30} {ratio,6:0.00}");
        }
    }

    /// <summary>The baseline: the cheapest pass that still reads every character.</summary>
    private static int CountDigits(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>The best of repeated runs (seconds) within the time given, at least three runs.</summary>
    private static double Best(Func<int> work, double seconds)
    {
        var best = double.MaxValue;
        var sink = work();
        var total = Stopwatch.StartNew();
        for (var run = 0; run < 3 || total.Elapsed.TotalSeconds < seconds; run++)
        {
            var once = Stopwatch.StartNew();
            sink += work();
            best = Math.Min(best, once.Elapsed.TotalSeconds);
        }
        GC.KeepAlive(sink);
        return best;
    }

    private static string Repeat(string unit, int length)
    {
        var builder = new System.Text.StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }
        return builder.ToString(0, length);
    }
}
