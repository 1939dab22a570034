namespace SeQuIn.Api.Tests.Assessments;

/// <summary>
/// Systematically generated text for the privacy screen: sentences people really write in evidence and comments
/// (which must pass), and identifiers in the forms people really type them (which must be refused). Seeded, so
/// every run sees the same text; public so that the benchmark harness can reuse the pass corpus.
/// </summary>
public static class ScreenCorpora
{
    /// <summary>The day the corpora are judged on: "recent" dates are within ten years of it.</summary>
    public static readonly DateOnly Today = new(2026, 11, 26);

    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    private static readonly string[] Weekdays = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>At least <paramref name="count"/> different realistic sentences that carry no identifier.</summary>
    public static IReadOnlyList<string> Ordinary(int count = 600, int seed = 7)
    {
        var random = new Random(seed);
        int N(int min, int max) => random.Next(min, max + 1);
        T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];
        string Year() => N(2017, 2026).ToString();
        string Month() => Pick(Months);
        string RecentDate()
        {
            var (d, m, y) = (N(1, 28), N(1, 12), N(2017, 2025));
            return N(0, 5) switch
            {
                0 => $"{d:00}/{m:00}/{y}",
                1 => $"{d} {Months[m - 1]} {y}",
                2 => $"{y}-{m:00}-{d:00}",
                3 => $"{d:00}.{m:00}.{y}",
                4 => $"{d}{Ordinal(d)} {Months[m - 1][..3]} {y}",
                _ => $"{Months[m - 1]} {d}, {y}",
            };
        }
        string IsoMonth() => $"{N(2017, 2026)}-{N(1, 12):00}";
        string Time() => Pick(new[] { $"{N(7, 20):00}:{Pick(new[] { "00", "15", "30", "45" })}", $"{N(1, 11)}pm", $"{N(7, 11)}am", $"{N(7, 20):00}{Pick(new[] { "00", "30" })}" });
        string Room() => Pick(new[] { $"{N(1, 4)}.{N(1, 30):00}", $"G.{N(1, 20):00}", $"B{N(1, 40)}", $"{N(1, 120)}" });
        string Ext() => Pick(new[] { $"ext {N(2000, 8999)}", $"ext. {N(2000, 8999)}", $"extension {N(2000, 8999)}", $"x{N(2000, 8999)}" });
        string Policy() => Pick(new[] { $"POL-{Year()}-{N(1, 300):000}", $"CP-{N(1, 40)}", $"RRP-{N(1, 12):00}", $"IG{N(100, 999)}", $"SOP {N(1, 30)}.{N(1, 9)}" });
        string Money() => Pick(new[] { $"£{N(1, 999)}", $"£{N(1, 99)},{N(0, 999):000}", $"£{N(1, 9)},{N(0, 999):000},{N(0, 999):000}", $"£{N(1, 99)}.{N(0, 99):00}", $"£{N(1, 250)}k" });
        string Percent() => Pick(new[] { $"{N(1, 100)}%", $"{N(1, 99)}.{N(1, 9)}%", $"{N(1, 100)} per cent" });
        string Ward() => Pick(new[] { $"ward {N(1, 30)}", "Willow ward", "Cedar ward", $"ward {Pick(new[] { "A", "B", "C" })}{N(1, 9)}" });

        var templates = new Func<string>[]
        {
            () => $"Community meeting held in room {Room()} on {RecentDate()}; {N(3, 25)} service users attended.",
            () => $"Ward office on {Ext()} for queries about the {Month()} {Year()} audit.",
            () => $"Policy {Policy()} was reviewed on {RecentDate()} and shared at the {Time()} handover.",
            () => $"{N(2, 16)} of {N(16, 24)} beds ({Percent()}) were occupied during {Month()} {Year()}.",
            () => $"Budget of {Money()} agreed for the recovery college in {IsoMonth()}.",
            () => $"Activity timetable: {Time()}–{Time()} gardening, room {Room()}, {Ward()}.",
            () => $"Audit {RecentDate()}: {N(10, 60)} care plans checked, {Percent()} co-signed by the service user.",
            () => $"Incident review INC-{Year()}-{N(1, 9999):00000} closed on {RecentDate()} with {N(2, 9)} actions.",
            () => $"Fire drill at {Time()} on {RecentDate()}: {N(2, 12)} minutes to evacuate {N(8, 20)} people.",
            () => $"Minutes of the {Weekdays[N(0, 6)]} {N(1, 28)} {Month()} {Year()} meeting in room {Room()}.",
            () => $"Bed {N(1, 20)} on {Ward()} was redecorated with service-user choices in {Month()} {Year()}.",
            () => $"The involvement lead can be reached on {Ext()} or in office {Room()} on {Weekdays[N(0, 4)]}s.",
            () => $"We spent {Money()} ({Percent()} of the budget) on peer support in Q{N(1, 4)} {Year()}.",
            () => $"Survey {IsoMonth()}: {N(10, 90)} responses, mean score {N(1, 4)}.{N(0, 9)}/5.",
            () => $"Standards INV-0{N(1, 9)} and RAS-{N(1, 10):00} discussed; {Ward()} and {Ward()} reported together.",
            () => $"The Mental Health Act 1983 Code of Practice (2015), chapter {N(1, 38)}, guided the review.",
            () => $"Version {N(1, 9)}.{N(0, 9)} of the easy-read leaflet, printed {RecentDate()}, {N(50, 500)} copies.",
            () => $"Ask the switchboard for {Ext()} to reach the ward manager about visiting.",
            () => $"Service users met at the café at {Time()} on {RecentDate()} to plan the menu.",
            () => $"Guidance available at gov.uk and at nhs.uk was discussed at {Time()} by {N(3, 12)} people.",
            () => $"{N(3, 40)} staff trained in {Month()} {Year()}; the next session is booked for {RecentDate()}.",
            () => $"Invoice {N(10000, 999999)} for {Money()} paid on {RecentDate()}.",
            () => $"Room {Room()} booked {Time()}-{Time()} for {N(4, 30)} chairs and a projector.",
            () => $"Ward phone {Ext()}; bleep {N(1000, 9999)} out of hours.",
            () => $"On {RecentDate()} {N(2, 30)} service users joined the recruitment panel.",
            () => $"Between {Time()} and {Time()} on {Weekdays[N(0, 6)]}s, {N(5, 60)} visits took place.",
            () => $"Restrictive practice fell by {Percent()} since {Month()} {Year()}, from {N(20, 60)} to {N(1, 19)} episodes.",
            () => $"{N(1, 40)} incidents in {IsoMonth()} compared with {N(1, 40)} in {IsoMonth()}.",
            () => $"Section 17 leave was granted {N(2, 30)} times in {Month()} ({Percent()} of requests).",
            () => $"Seclusion reduced to {N(1, 9)} episodes over {N(2, 12)} months; average length {N(1, 9)}.{N(0, 9)} hours.",
            () => $"Menu co-designed with the dietitian; BMI checks monthly; {N(1, 12)} of {N(12, 20)} reached their target.",
            () => $"Reviewed by the board on {RecentDate()}; next review due {Month()} {N(2026, 2028)}.",
            () => $"Capacity {N(10, 24)} beds, {N(1, 10)} vacant at {Time()} census, {N(0, 5)} on leave.",
            () => $"CQC inspection {RecentDate()} rated the service good; report reference 1-{N(100000000, 999999999)}.",
            () => $"Complaints: {N(0, 12)} received in {Year()}/{N(17, 26)}, {N(0, 12)} resolved within {N(10, 30)} days.",
            () => $"Staffing {N(4, 12)}:{N(1, 4)} on days and {N(2, 6)}:{N(1, 3)} at night across {N(2, 5)} wards.",
            () => $"Training matrix {IsoMonth()}: {Percent()} compliant for PMVA, {Percent()} for safeguarding.",
            () => $"Ward round moved to {Weekdays[N(0, 4)]} {Time()} after {N(5, 15)} service users asked for it.",
            () => $"Patient council minutes (see SharePoint folder {Year()}/{N(1, 12):00}) list {N(3, 12)} actions.",
            () => $"Average length of stay {N(100, 900)} days; {N(1, 9)} discharges in {Month()} {Year()}.",
        };

        var sentences = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 0; sentences.Count < count && attempt < count * 20; attempt++)
        {
            sentences.Add(templates[attempt % templates.Length]());
        }
        return sentences.ToList();
    }

    /// <summary>At least 500 identifiers in the forms people type them, each with its kind.</summary>
    public static IReadOnlyList<(string Text, SeQuIn.Api.Assessments.IdentifierKind Kind)> Identifiers(int seed = 11)
    {
        var random = new Random(seed);
        var cases = new List<(string, SeQuIn.Api.Assessments.IdentifierKind)>();
        cases.AddRange(NhsNumbers(random).Select(t => (t, SeQuIn.Api.Assessments.IdentifierKind.NhsNumber)));
        cases.AddRange(Phones(random).Select(t => (t, SeQuIn.Api.Assessments.IdentifierKind.PhoneNumber)));
        cases.AddRange(Emails().Select(t => (t, SeQuIn.Api.Assessments.IdentifierKind.EmailAddress)));
        cases.AddRange(DatesOfBirth(random).Select(t => (t, SeQuIn.Api.Assessments.IdentifierKind.DateOfBirth)));
        return cases;
    }

    public static IEnumerable<string> ValidNhsNumbers(Random random)
    {
        while (true)
        {
            var digits = Enumerable.Range(0, 9).Select(_ => random.Next(10)).ToArray();
            var check = 11 - digits.Select((d, i) => d * (10 - i)).Sum() % 11;
            if (check != 10)
            {
                yield return string.Concat(digits) + (check == 11 ? 0 : check);
            }
        }
    }

    private static string FullWidth(string text) => string.Concat(text.Select(c => c is >= '0' and <= '9' ? (char)('０' + (c - '0')) : c));

    private static string ArabicIndic(string text) => string.Concat(text.Select(c => c is >= '0' and <= '9' ? (char)('\u0660' + (c - '0')) : c));

    private static string Ordinal(int day) => (day % 10, day / 10 % 10) switch
    {
        (_, 1) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };

    private static IEnumerable<string> NhsNumbers(Random random)
    {
        var formats = new Func<string, string>[]
        {
            n => n,
            n => $"{n[..3]} {n[3..6]} {n[6..]}",
            n => $"{n[..3]}-{n[3..6]}-{n[6..]}",
            n => $"{n[..3]}.{n[3..6]}.{n[6..]}",
            n => $"{n[..3]}/{n[3..6]}/{n[6..]}",
            n => $"{n[..3]}_{n[3..6]}_{n[6..]}",
            n => $"{n[..3]}\u00a0{n[3..6]}\u00a0{n[6..]}",
            n => $"{n[..3]}\u2013{n[3..6]}\u2013{n[6..]}",
            n => $"{n[..3]}\u2014{n[3..6]}\u2014{n[6..]}",
            n => $"{n[..3]}\u2009{n[3..6]}\u2009{n[6..]}",
            n => $"{n[..3]}\u3000{n[3..6]}\u3000{n[6..]}",
            n => $"{n[..3]}\u2212{n[3..6]}\u2212{n[6..]}",
            n => $"{n[..3]} {n[3..6]}-{n[6..]}",
            n => $"{n[..3]}.{n[3..6]} {n[6..]}",
            n => $"{n[..3]} - {n[3..6]} - {n[6..]}",
            n => $"{n[..3]} / {n[3..6]} / {n[6..]}",
            n => $"{n[..2]} {n[2..4]} {n[4..6]} {n[6..8]} {n[8..]}",
            n => $"{n[..5]} {n[5..]}",
            n => $"{n[..4]} {n[4..7]} {n[7..]}",
            n => string.Join(" ", n.ToCharArray()),
            n => $"{n[..3]}\u200b{n[3..6]}\u200b{n[6..]}",
            n => FullWidth($"{n[..3]} {n[3..6]} {n[6..]}"),
            n => FullWidth(n),
            n => ArabicIndic(n),
            n => ArabicIndic($"{n[..3]} {n[3..6]} {n[6..]}"),
        };
        var contexts = new Func<string, string>[]
        {
            n => n,
            n => $"Reviewed the care plan for {n} with the team.",
            n => $"NHS no: {n}.",
            n => $"({n})",
            n => $"Patient {n}, ward 3",
            n => $"NHS#{n}",
            n => $"nhs number is {n} - please check",
        };
        var numbers = ValidNhsNumbers(random).Take(formats.Length * 2).ToList();
        var index = 0;
        foreach (var format in formats)
        {
            foreach (var context in contexts)
            {
                yield return context(format(numbers[index++ % numbers.Count]));
            }
        }
    }

    private static IEnumerable<string> Phones(Random random)
    {
        // Ofcom's drama ranges: numbers that are never allocated to anyone.
        var numbers = new (string Area, string Local)[]
        {
            ("0113", $"496 {random.Next(0, 1000):0000}"), ("020", $"7946 {random.Next(0, 1000):0000}"),
            ("0161", $"496 {random.Next(0, 1000):0000}"), ("0117", $"496 {random.Next(0, 1000):0000}"),
            ("07700", $"900 {random.Next(0, 1000):000}"), ("01632", $"960 {random.Next(0, 1000):000}"),
        };
        var formats = new Func<string, string, string>[]
        {
            (a, l) => $"{a} {l}",
            (a, l) => $"{a}-{l.Replace(' ', '-')}",
            (a, l) => $"({a}) {l.Replace(" ", "")}",
            (a, l) => $"({a}) {l}",
            (a, l) => $"{a}{l.Replace(" ", "")}",
            (a, l) => $"{a}.{l.Replace(' ', '.')}",
            (a, l) => $"{a} {l.Replace(" ", "")}",
            (a, l) => $"+44 (0){a[1..]} {l}",
            (a, l) => $"+44 (0) {a[1..]} {l}",
            (a, l) => $"+44 {a[1..]} {l}",
            (a, l) => $"+44{a[1..]}{l.Replace(" ", "")}",
            (a, l) => $"0044 {a[1..]} {l}",
            (a, l) => $"0044{a[1..]}{l.Replace(" ", "")}",
            (a, l) => $"+44-{a[1..]}-{l.Replace(' ', '-')}",
            (a, l) => $"{a}\u00a0{l.Replace(' ', '\u00a0')}",
            (a, l) => $"{a}\u2013{l.Replace(' ', '\u2013')}",
            (a, l) => FullWidth($"{a} {l}"),
        };
        var contexts = new Func<string, string>[]
        {
            p => $"Ring {p} to book",
            p => $"call on {p}",
            p => $"tel: {p}.",
            p => $"mobile {p}",
        };
        var i = 0;
        foreach (var format in formats)
        {
            foreach (var (area, local) in numbers)
            {
                yield return contexts[i++ % contexts.Length](format(area, local));
            }
        }
    }

    private static IEnumerable<string> Emails()
    {
        var addresses = new (string Local, string Domain, string Tld)[]
        {
            ("jo.bloggs", "nhs", "net"), ("sam", "example", "org"), ("a.patel", "leedsth.nhs", "uk"), ("jo", "nhs", "net"),
            ("mary_smith", "gmail", "com"), ("K.Jones", "NHS", "NET"),
        };
        var forms = new Func<string, string, string, string>[]
        {
            (l, d, t) => $"{l}@{d}.{t}",
            (l, d, t) => $"{l} @ {d}.{t}",
            (l, d, t) => $"{l}(at){d}.{t}",
            (l, d, t) => $"{l} (at) {d}.{t}",
            (l, d, t) => $"{l}[at]{d}.{t}",
            (l, d, t) => $"{l} [at] {d} [dot] {t}",
            (l, d, t) => $"{l}{{at}}{d}{{dot}}{t}",
            (l, d, t) => $"{l}<at>{d}<dot>{t}",
            (l, d, t) => $"{l}(at){d}(dot){t}",
            (l, d, t) => $"{l} ( at ) {d} ( dot ) {t}",
            (l, d, t) => $"{l} at {d} dot {t}",
            (l, d, t) => $"{l} AT {d} DOT {t}",
            (l, d, t) => $"{l} at {d.Replace(".", " dot ")} dot {t}",
            (l, d, t) => $"{l}\uff20{d}.{t}",
            (l, d, t) => $"{l}@{d}[dot]{t}",
            (l, d, t) => $"{l.ToUpperInvariant()}@{d.ToUpperInvariant()}.{t.ToUpperInvariant()}",
            (l, d, t) => $"{l}\u200b@{d}.{t}",
        };
        var contexts = new Func<string, string>[]
        {
            e => $"Contact {e} for the minutes",
            e => $"email: {e}",
            e => $"({e})",
        };
        var i = 0;
        foreach (var form in forms)
        {
            foreach (var (local, domain, tld) in addresses)
            {
                yield return contexts[i++ % contexts.Length](form(local, domain, tld));
            }
        }
    }

    private static IEnumerable<string> DatesOfBirth(Random random)
    {
        var phrasings = new Func<int, int, int, string>[]
        {
            (d, m, y) => $"DOB {d:00}/{m:00}/{y}",
            (d, m, y) => $"D.O.B. {d:00}.{m:00}.{y % 100:00}",
            (d, m, y) => $"d o b: {d} {Months[m - 1]} {y}",
            (d, m, y) => $"date of birth {y}-{m:00}-{d:00}",
            (d, m, y) => $"Date of Birth: {d}{Ordinal(d)} {Months[m - 1]} {y}",
            (d, m, y) => $"born on {d:00}/{m:00}/{y}",
            (d, m, y) => $"born {d} {Months[m - 1][..3]} {y}",
            (d, m, y) => $"Born {Months[m - 1]} {d}, {y}",
            (d, m, y) => $"birth date {m:00}/{y}",
            (d, m, y) => $"DOB: {Months[m - 1]} {y}",
            (d, m, y) => $"dob {y}",
            (d, m, y) => $"birthday {d:00}/{m:00}/{y}",
            (d, m, y) => $"date-of-birth {d:00}-{m:00}-{y}",
            (d, m, y) => $"DOB {d:00} / {m:00} / {y}",
            (d, m, y) => $"DOB {d:00} {m:00} {y}",
            (d, m, y) => $"(DOB\u00a0{d:00}/{m:00}/{y % 100:00})",
            (d, m, y) => $"d.o.b.-{d}.{m}.{y}",
            (d, m, y) => $"date of birth is {d} of {Months[m - 1]}, {y}",
            (d, m, y) => $"seen on {d:00}/{m:00}/{y} by the team",
            (d, m, y) => $"Admitted; {d} {Months[m - 1]} {y} recorded on the form",
            (d, m, y) => $"{y}-{m:00}-{d:00} on the file",
            (d, m, y) => $"DOB {FullWidth($"{d:00}/{m:00}/{y}")}",
            (d, m, y) => $"DOB{d:00}/{m:00}/{y}",
        };
        for (var round = 0; round < 6; round++)
        {
            foreach (var phrasing in phrasings)
            {
                yield return phrasing(random.Next(1, 29), random.Next(1, 13), random.Next(1935, 2006));
            }
        }
    }
}
