using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Tests.Assessments;

public sealed class PrivacyScreenTests
{
    private static readonly DateOnly Today = new(2026, 11, 26);

    /// <summary>Valid NHS numbers: nine random digits and their Modulus 11 check digit (skipping the invalid 10).</summary>
    private static IEnumerable<string> ValidNhsNumbers(int count, int seed)
    {
        var random = new Random(seed);
        var made = 0;
        while (made < count)
        {
            var digits = Enumerable.Range(0, 9).Select(_ => random.Next(10)).ToArray();
            var check = 11 - digits.Select((d, i) => d * (10 - i)).Sum() % 11;
            if (check == 10)
            {
                continue;
            }
            made++;
            yield return string.Concat(digits) + (check == 11 ? 0 : check);
        }
    }

    [Fact]
    public void Ten_thousand_valid_nhs_numbers_are_all_found_in_every_format()
    {
        var formats = new Func<string, string>[]
        {
            n => n,
            n => $"{n[..3]} {n[3..6]} {n[6..]}",
            n => $"{n[..3]}-{n[3..6]}-{n[6..]}",
        };
        var contexts = new Func<string, string>[]
        {
            n => n,
            n => $"Reviewed the care plan for {n} with the team.",
            n => $"NHS no: {n}.",
            n => $"({n})",
            n => $"Patient {n}, ward 3",
        };
        var misses = ValidNhsNumbers(10_000, 42)
            .SelectMany((n, i) => new[] { contexts[i % contexts.Length](formats[i % formats.Length](n)) })
            .Where(text => PrivacyScreen.Find(text, Today) != IdentifierKind.NhsNumber)
            .Take(5)
            .ToList();

        Assert.Empty(misses);
    }

    [Theory]
    [InlineData("943 476 5919", true)]
    [InlineData("9434765919", true)]
    [InlineData("9434765918", false)]
    [InlineData("1234567890", false)]
    public void The_modulus_11_check_digit_decides(string candidate, bool valid) => Assert.Equal(valid, PrivacyScreen.IsNhsNumber(candidate));

    [Theory]
    [InlineData("Contact jo.bloggs@nhs.net for the minutes", IdentifierKind.EmailAddress)]
    [InlineData("Ring 0113 496 0000 to book", IdentifierKind.PhoneNumber)]
    [InlineData("mobile 07700 900123", IdentifierKind.PhoneNumber)]
    [InlineData("call +44 20 7946 0958", IdentifierKind.PhoneNumber)]
    [InlineData("DOB 12/03/1985", IdentifierKind.DateOfBirth)]
    [InlineData("date of birth: 3 March 2001", IdentifierKind.DateOfBirth)]
    [InlineData("born 1990-07-14 in Leeds", IdentifierKind.DateOfBirth)]
    [InlineData("seen on 14/02/1979 by the team", IdentifierKind.DateOfBirth)]
    [InlineData("d.o.b. 01.01.2020", IdentifierKind.DateOfBirth)]
    public void Personal_identifiers_are_found_by_kind(string text, IdentifierKind kind) => Assert.Equal(kind, PrivacyScreen.Find(text, Today));

    [Theory]
    [InlineData("Community meeting minutes, 14/03/2026: service users chaired and set the agenda.")]
    [InlineData("Recruitment panel for band 5 nurses held on 3 November 2025; two service users scored candidates.")]
    [InlineData("Policy RRP-04 (version 3.2, reviewed 2024-06-01) names co-produced de-escalation plans.")]
    [InlineData("The Mental Health Act 1983 Code of Practice, chapter 26, guided the review.")]
    [InlineData("Activity timetable: 10:00–11:30 gardening, 14:00 recovery college session, room 2.")]
    [InlineData("Audit of 25 care plans found 22 (88%) signed by the service user.")]
    [InlineData("Standards INV-01 to INV-10 discussed; ward 12 and ward 14 reported together.")]
    [InlineData("Shared risk assessment training for 18 staff and 6 service users in Q3 2025.")]
    [InlineData("Ref: CQC report 1-123456789 published 2023-11-30.")]
    [InlineData("Menu co-designed with the dietitian; BMI checks monthly; 3 of 12 reached target weight.")]
    [InlineData("Photo of the ward noticeboard (taken 02/10/2026) showing 'You said, we did'.")]
    [InlineData("Budget code 4410 2293; invoice 77812.")]
    public void Realistic_evidence_text_passes_untouched(string text) => Assert.Null(PrivacyScreen.Find(text, Today));

    [Fact]
    public void Five_hundred_realistic_evidence_and_comment_sentences_all_pass()
    {
        var corpus = ScreenCorpora.Ordinary();
        var refused = corpus.Where(text => PrivacyScreen.Find(text, ScreenCorpora.Today) is not null)
            .Select(text => $"{PrivacyScreen.Find(text, ScreenCorpora.Today)}: {text}").Take(10).ToList();

        Assert.True(corpus.Count >= 500, $"the pass corpus has only {corpus.Count} sentences");
        Assert.Empty(refused);
    }

    [Fact]
    public void Five_hundred_identifier_variants_are_all_refused_by_kind()
    {
        var corpus = ScreenCorpora.Identifiers();
        // A ten-digit phone number can pass Modulus 11 too; refused either way, it may be named an NHS number.
        var missed = corpus.Where(c => PrivacyScreen.Find(c.Text, ScreenCorpora.Today) is not { } kind
                || (kind != c.Kind && !(c.Kind == IdentifierKind.PhoneNumber && kind == IdentifierKind.NhsNumber)))
            .Select(c => $"{c.Kind}: {c.Text} -> {PrivacyScreen.Find(c.Text, ScreenCorpora.Today)}")
            .Take(10)
            .ToList();

        Assert.True(corpus.Count >= 500, $"the refusal corpus has only {corpus.Count} variants");
        Assert.Empty(missed);
        Assert.All(Enum.GetValues<IdentifierKind>(), kind => Assert.True(corpus.Count(c => c.Kind == kind) >= 100, $"fewer than 100 {kind} variants"));
    }

    [Theory]
    [InlineData("Ring 0113-496-0000", IdentifierKind.PhoneNumber)]
    [InlineData("Ring (0113) 4960000", IdentifierKind.PhoneNumber)]
    [InlineData("Ring +44 (0)113 496 0000", IdentifierKind.PhoneNumber)]
    [InlineData("Ring 0044 113 496 0000", IdentifierKind.PhoneNumber)]
    [InlineData("Ring 0113.496.0000", IdentifierKind.PhoneNumber)]
    [InlineData("NHS 943\u00a0476\u00a05919", IdentifierKind.NhsNumber)]
    [InlineData("NHS 943.476.5919", IdentifierKind.NhsNumber)]
    [InlineData("NHS 943\u2013476\u20135919", IdentifierKind.NhsNumber)]
    [InlineData("NHS \uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19", IdentifierKind.NhsNumber)]
    [InlineData("NHS \u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669", IdentifierKind.NhsNumber)]
    [InlineData("NHS 94\u200b34765919", IdentifierKind.NhsNumber)]
    [InlineData("jo(at)nhs.net", IdentifierKind.EmailAddress)]
    [InlineData("jo [at] nhs [dot] net", IdentifierKind.EmailAddress)]
    [InlineData("jo at nhs dot net", IdentifierKind.EmailAddress)]
    public void Identifiers_written_as_people_really_type_them_are_found(string text, IdentifierKind kind) =>
        Assert.Equal(kind, PrivacyScreen.Find(text, Today));

    [Theory]
    [InlineData("Guidance available at gov.uk was shared at the meeting.")]
    [InlineData("On 14/03/2026 12 service users joined the panel.")]
    [InlineData("On 2025-06-01 14 staff attended.")]
    [InlineData("Shifts 0900-1700 10 staff on days.")]
    [InlineData("CQC location 1-123456780 inspected in March 2025.")]
    [InlineData("Ward phone ext 4521, policy POL-2023-117, March 2024.")]
    [InlineData("Follow @NHSEngland for updates; ward @ 3pm.")]
    [InlineData("The date of birth field was removed from the form in 2024.")]
    [InlineData("Ideas born in the community meeting in 2025.")]
    public void Near_misses_pass(string text) => Assert.Null(PrivacyScreen.Find(text, Today));

    [Fact]
    public void Tables_of_numbers_in_text_and_csv_files_are_not_read_as_one_long_number()
    {
        var random = new Random(3);
        string Row(char separator) => string.Join(separator, Enumerable.Range(0, 6).Select(_ => random.Next(0, 100)));
        var tabbed = string.Join('\n', Enumerable.Range(0, 200).Select(_ => Row('\t')));
        var lines = string.Join("\r\n", Enumerable.Range(0, 200).Select(_ => $"ward {random.Next(1, 30)},{Row(',')}"));
        var numbersPerLine = string.Join('\n', Enumerable.Range(0, 200).Select(_ => random.Next(0, 100_000)));

        Assert.Null(PrivacyScreen.Find(tabbed, Today));
        Assert.Null(PrivacyScreen.Find(lines, Today));
        Assert.Null(PrivacyScreen.Find(numbersPerLine, Today));
    }

    [Theory]
    [InlineData("DOB:\n12/03/1985", IdentifierKind.DateOfBirth)]
    [InlineData("Tel:\t0113 496 0000", IdentifierKind.PhoneNumber)]
    [InlineData("Ward 3\r\nNHS number 943 476 5919\r\n", IdentifierKind.NhsNumber)]
    public void Identifiers_on_lines_of_their_own_are_found(string text, IdentifierKind kind) => Assert.Equal(kind, PrivacyScreen.Find(text, Today));

    /// <summary>No timing here (the harness measures that): inputs like these once took seconds, growing with the
    /// square of their length; a linear screen answers them at once.</summary>
    [Fact]
    public void Adversarial_megabyte_inputs_are_screened_without_error()
    {
        const int megabyte = 1_000_000;

        Assert.Null(PrivacyScreen.Find("dob" + new string(' ', megabyte) + "x", Today));
        Assert.Null(PrivacyScreen.Find("dob" + new string('\u00a0', megabyte) + "x", Today));
        Assert.Null(PrivacyScreen.Find(new string('@', megabyte), Today));
        Assert.Null(PrivacyScreen.Find(string.Concat(Enumerable.Repeat("a@", megabyte / 2)), Today));
        Assert.Null(PrivacyScreen.Find(string.Concat(Enumerable.Repeat("(at)", megabyte / 4)), Today));
        Assert.Null(PrivacyScreen.Find(new string('1', megabyte), Today));
        Assert.Equal(IdentifierKind.NhsNumber, PrivacyScreen.Find(string.Concat(Enumerable.Repeat("1 ", megabyte / 2)) + "943 476 5919", Today));
    }

    [Fact]
    public void Ill_formed_text_is_screened_not_thrown_on()
    {
        Assert.Null(PrivacyScreen.Find("half a pair \ud800 here", Today));
        Assert.Equal(IdentifierKind.NhsNumber, PrivacyScreen.Find("\udc00 943 476 5919 \ud800", Today));
    }

    [Fact]
    public void Nothing_is_found_in_nothing()
    {
        Assert.Null(PrivacyScreen.Find(null, Today));
        Assert.Null(PrivacyScreen.Find("", Today));
    }
}
