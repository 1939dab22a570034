using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Benchmarks;
using SeQuIn.Api.Fhir;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>
/// The QuestionnaireResponse, Measure and MeasureReport mappings on their own (pure, no database): what each element
/// carries, what is never carried, and that every resource serialises, parses back and validates against base R4.
/// </summary>
public sealed class FhirReportMappingTests
{
    private static readonly Guid Unit = Guid.Parse("0193a1b2-0000-7000-8000-000000000001");
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    private static readonly AssessedArea Area = new("2026.1", "Involvement",
        [("INV-01", "Service users take part in ward meetings."), ("INV-02", "Service users help choose staff."), ("INV-03", "Carers are welcomed.")],
        new Dictionary<int, string> { [1] = "Not yet", [2] = "Partly", [3] = "Mostly", [4] = "Fully" });

    private static AssessmentDetail Assessment(AssessmentStatus status = AssessmentStatus.Submitted, params CommentResponse[] comments) => new(
        Guid.Parse("0193a1b2-0000-7000-8000-0000000000aa"), Unit, "RIV-MS1", Guid.NewGuid(), "2026.1", "INV", "2026-10", status, 3, "We agreed",
        new AreaResult(2.5m, 50m, 2, 3, 3, false), false, 7,
        [new ParticipantResponse(Guid.NewGuid(), ParticipantRole.Staff, "Ward nurse"), new ParticipantResponse(Guid.NewGuid(), ParticipantRole.ServiceUser, "SU1")],
        [
            new RatingResponse("INV-01", 3, false, null, 3, 2, true, "note"),
            new RatingResponse("INV-02", 2, false, null, null, null, false, null),
            new RatingResponse("INV-03", null, true, "No carers this month", null, null, false, null),
        ],
        [
            new EvidenceResponse(Guid.NewGuid(), "INV-01", EvidenceKind.Minutes, "Community meeting minutes", null, null, true,
                new EvidenceFileResponse("minutes.pdf", "application/pdf", 2048, "/api/v1/assessments/x/evidence/y/file"), Now, "key"),
            new EvidenceResponse(Guid.NewGuid(), "INV-03", EvidenceKind.Link, "Carers' page", null, "https://example.org/carers", true, null, Now, "key"),
            new EvidenceResponse(Guid.NewGuid(), null, EvidenceKind.Policy, "Involvement policy", null, null, true, null, Now, "key"),
        ],
        comments, Now.AddDays(-5), "key", Now, Now, "key");

    [Fact]
    public void A_submitted_assessment_is_a_completed_response_to_its_framework_version_about_its_unit_and_month()
    {
        var response = QuestionnaireResponses.From(Assessment(), Area);

        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, response.Status);
        Assert.Equal($"{FhirNames.QuestionnaireUrl}|2026.1", response.Questionnaire);
        Assert.Equal($"Organization/{Unit:D}", response.Subject!.Reference);
        Assert.Equal("2026-10", response.Authored);
        FhirValidation.AssertValid(response);
    }

    [Fact]
    public void Statuses_follow_the_assessment_through_returns_and_reopenings()
    {
        var question = new CommentResponse(Guid.NewGuid(), CommentKind.Question, "Why?", "lead", Now);
        var reopening = new CommentResponse(Guid.NewGuid(), CommentKind.Reopening, "Late evidence", "admin", Now);
        var note = new CommentResponse(Guid.NewGuid(), CommentKind.Note, "Thanks", "lead", Now);

        Assert.Equal(
            [
                QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
                QuestionnaireResponse.QuestionnaireResponseStatus.Completed, QuestionnaireResponse.QuestionnaireResponseStatus.Amended,
                QuestionnaireResponse.QuestionnaireResponseStatus.Amended,
            ],
            new[]
            {
                Assessment(AssessmentStatus.Draft), Assessment(AssessmentStatus.Draft, question), Assessment(AssessmentStatus.Submitted, note),
                Assessment(AssessmentStatus.Submitted, question), Assessment(AssessmentStatus.Submitted, reopening),
            }.Select(QuestionnaireResponses.Status));
    }

    [Fact]
    public void Each_standard_answers_with_a_point_of_the_scale_and_carries_both_views_and_the_area_its_agreed_rating()
    {
        var group = QuestionnaireResponses.From(Assessment(), Area).Item.Single();

        Assert.Equal("INV", group.LinkId);
        Assert.Equal(["INV-01", "INV-02", "INV-03", "INV.evidence"], group.Item.Select(i => i.LinkId));
        var first = group.Item[0];
        var answer = Assert.IsType<Coding>(first.Answer.Single().Value);
        Assert.Equal((FhirNames.ScaleCodeSystem, "3", "Mostly", "2026.1"), (answer.System, answer.Code, answer.Display, answer.Version));
        Assert.Equal("3", Assert.IsType<Coding>(first.GetExtension(FhirNames.StaffViewExtension).Value).Code);
        Assert.Equal("2", Assert.IsType<Coding>(first.GetExtension(FhirNames.ServiceUserViewExtension).Value).Code);
        Assert.Equal("3", Assert.IsType<Coding>(group.GetExtension(FhirNames.AgreedRatingExtension).Value).Code);
        var notApplicable = group.Item[2];
        Assert.Equal("not-applicable", Assert.IsType<Coding>(notApplicable.Answer.Single().Value).Code);
        Assert.Equal("No carers this month", Assert.IsType<FhirString>(notApplicable.GetExtension(FhirNames.NotApplicableExtension).Value).Value);
    }

    [Fact]
    public void Participants_are_carried_by_role_only_and_their_labels_never()
    {
        var response = QuestionnaireResponses.From(Assessment(), Area);
        var json = new FhirJsonSerializer().SerializeToString(response);

        Assert.Equal(["staff", "service-user"],
            response.GetExtensions(FhirNames.ParticipantsExtension).Select(e => Assert.IsType<Coding>(e.Value).Code));
        Assert.DoesNotContain("Ward nurse", json);
        Assert.DoesNotContain("SU1", json);
    }

    [Fact]
    public void Evidence_is_referenced_by_its_url_type_and_size_never_carried()
    {
        var group = QuestionnaireResponses.From(Assessment(), Area).Item.Single();

        var file = Assert.IsType<Attachment>(group.Item[0].Answer[0].Item.Single().Answer.Single().Value);
        Assert.Equal(("/api/v1/assessments/x/evidence/y/file", "application/pdf", 2048L, "Community meeting minutes", (byte[]?)null),
            (file.Url, file.ContentType, (long?)file.SizeUnsignedInt, file.Title, file.Data));
        Assert.Equal("https://example.org/carers", Assert.IsType<Attachment>(group.Item[2].Answer[0].Item.Single().Answer.Single().Value).Url);
        Assert.Equal("Involvement policy", Assert.IsType<Attachment>(group.Item[3].Answer.Single().Value).Title);
    }

    [Fact]
    public void A_response_parses_back_to_what_was_served()
    {
        var response = QuestionnaireResponses.From(Assessment(), Area);
        var json = new FhirJsonSerializer().SerializeToString(response);

        var parsed = new FhirJsonDeserializer().Deserialize<QuestionnaireResponse>(json);

        Assert.True(parsed.IsExactly(response));
    }

    private static Benchmark Involvement(GroupFigures figures, decimal? score = 2.5m, decimal? percentile = 60m, int? rank = 2) =>
        new("INV", score, 50m, 0.5m, percentile, rank, figures);

    private static UnitBenchmark Benchmark(Benchmark area) =>
        new(Unit, "RIV-MS1", "2026-10", ComparisonGroup.Network, [area]);

    [Fact]
    public void A_unit_s_area_score_is_an_individual_report_with_a_stable_id_against_the_area_s_measure()
    {
        var area = Involvement(new GroupFigures(6, 1m, 2m, 2.5m, 3m, 4m, 2.4m, null));

        var report = MeasureReports.Individual(Benchmark(area), area, monthClosed: true)!;

        Assert.Equal($"{Unit:D}-inv-2026-10-individual", report.Id);
        Assert.Equal(new ReportId(Unit, "INV", new DateOnly(2026, 10, 1), ReportKind.Individual), ReportId.TryParse(report.Id));
        Assert.Equal((MeasureReport.MeasureReportType.Individual, MeasureReport.MeasureReportStatus.Complete, FhirNames.MeasureUrl("INV")),
            (report.Type, report.Status, report.Measure));
        Assert.Equal(("2026-10-01", "2026-10-31"), (report.Period.Start, report.Period.End));
        Assert.Equal(2.5m, report.Group.Single().MeasureScore!.Value);
        FhirValidation.AssertValid(report);
    }

    [Fact]
    public void A_unit_without_a_score_that_month_has_no_individual_report()
    {
        var area = Involvement(new GroupFigures(6, 1m, 2m, 2.5m, 3m, 4m, 2.4m, null), score: null);

        Assert.Null(MeasureReports.Individual(Benchmark(area), area, monthClosed: true));
    }

    [Fact]
    public void A_summary_report_carries_every_figure_the_benchmark_shows()
    {
        var area = Involvement(new GroupFigures(6, 1m, 2m, 2.5m, 3m, 4m, 2.4m, null));

        var group = MeasureReports.Summary(Benchmark(area), area, monthClosed: true).Group.Single();

        Assert.Equal((6, 2.4m), (group.Population.Single().Count, group.MeasureScore!.Value));
        Assert.Equal([("minimum", 1m), ("lower-quartile", 2m), ("median", 2.5m), ("upper-quartile", 3m), ("maximum", 4m)],
            group.GetExtension(FhirNames.GroupStatisticsExtension)!.Extension.Select(e => (e.Url, ((FhirDecimal)e.Value!).Value!.Value)));
        Assert.Null(group.GetExtension(FhirNames.SuppressedExtension));
        FhirValidation.AssertValid(MeasureReports.Summary(Benchmark(area), area, monthClosed: true));
    }

    [Fact]
    public void A_withheld_group_figure_is_absent_from_the_summary_with_the_reason()
    {
        var withheld = Involvement(new GroupFigures(4, null, null, null, null, null, null, Disclosure.TooFewReason(3)));
        var partly = Involvement(new GroupFigures(9, null, 2m, 2.5m, 3m, null, 2.4m, null));

        var none = MeasureReports.Summary(Benchmark(withheld), withheld, monthClosed: false);
        var some = MeasureReports.Summary(Benchmark(partly), partly, monthClosed: true).Group.Single();

        Assert.Equal(MeasureReport.MeasureReportStatus.Pending, none.Status);
        Assert.Null(none.Group.Single().MeasureScore);
        Assert.Null(none.Group.Single().GetExtension(FhirNames.GroupStatisticsExtension));
        Assert.Equal(Disclosure.TooFewReason(3), ((FhirString)none.Group.Single().GetExtension(FhirNames.SuppressedExtension)!.Value!).Value);
        Assert.Equal(["lower-quartile", "median", "upper-quartile"], some.GetExtension(FhirNames.GroupStatisticsExtension).Extension.Select(e => e.Url));
        Assert.Contains("minimum, maximum", ((FhirString)some.GetExtension(FhirNames.SuppressedExtension)!.Value!).Value);
        FhirValidation.AssertValid(none);
    }

    [Fact]
    public void An_area_is_a_continuous_variable_measure_where_higher_is_better()
    {
        var measure = MeasureReports.Measure(new MeasuredArea("INV", "Involvement", "How service users take part."));

        Assert.Equal((FhirNames.MeasureUrl("INV"), "sequin-area-inv", "SeQuInAreaINV"), (measure.Url, measure.Id, measure.Name));
        Assert.Equal("continuous-variable", measure.Scoring!.Coding.Single().Code);
        Assert.Equal("increase", measure.ImprovementNotation!.Coding.Single().Code);
        FhirValidation.AssertValid(measure);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-guid-at-all-inv-2026-10-individual")]
    [InlineData("0193a1b2-0000-7000-8000-000000000001-inv-2026-13-individual")]
    [InlineData("0193a1b2-0000-7000-8000-000000000001-inv-2026-10-other")]
    [InlineData("0193a1b2-0000-7000-8000-000000000001-2026-10-summary")]
    [InlineData("0193a1b2-0000-7000-8000-000000000001inv-2026-10-summary")]
    public void Ids_that_are_not_a_report_s_are_refused(string? id) => Assert.Null(ReportId.TryParse(id));
}
