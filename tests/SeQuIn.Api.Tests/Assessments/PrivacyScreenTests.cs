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
    public void Nothing_is_found_in_nothing()
    {
        Assert.Null(PrivacyScreen.Find(null, Today));
        Assert.Null(PrivacyScreen.Find("", Today));
    }
}
