using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static readonly AreaResult Result = new(2.67m, 66.7m, 3, 3, 10, false);

    private static readonly CommentResponse Question = new(Guid.Parse("4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e"), CommentKind.Question,
        "Could you add the October minutes for INV-02? The rating says representatives attend, but no papers are attached.",
        "key:7a1c9e3b5d2f", Created.AddDays(1));

    private static readonly AssessmentDetail Assessment = new(AssessmentId, UnitId, UnitCode, NetworkId, Framework, "INV", Month,
        AssessmentStatus.Submitted, 3, "Community meetings are well attended; minutes are not yet shared on the ward.", Result, false, 4,
        [new ParticipantResponse(Guid.Parse("0d1e2f3a-4b5c-4d6e-8f7a-9b0c1d2e3f4a"), ParticipantRole.Staff, "Ward nurse"),
         new ParticipantResponse(Guid.Parse("1e2f3a4b-5c6d-4e7f-8a9b-0c1d2e3f4a5b"), ParticipantRole.ServiceUser, "SU1")],
        [new RatingResponse("INV-01", 3, false, null, 3, 2, true, "Meetings weekly; service users co-chair most of them."),
         new RatingResponse("INV-02", 2, false, null, 2, 2, false, null),
         new RatingResponse("INV-03", 3, false, null, null, null, false, null)],
        [new EvidenceResponse(EvidenceId, "INV-01", EvidenceKind.Minutes, "Community meeting minutes, October",
            "Co-chaired by a service user; actions followed up the next week.", null, true,
            new EvidenceFileResponse("community-meeting-2026-10.pdf", "application/pdf", 184_320,
                $"/api/v1/assessments/{AssessmentId}/evidence/{EvidenceId}/file"),
            Created, UnitMemberKey)],
        [Question], Created, UnitMemberKey, Created.AddDays(2).AddMinutes(12), Created.AddDays(2), UnitMemberKey,
        ServiceUserConfirmation.Disagreed, "We said the meeting is every week but it was cancelled twice this month.", Created.AddDays(2).AddMinutes(12), false);

    private static readonly AssessmentSummary Summary = new(AssessmentId, UnitId, UnitCode, NetworkId, Framework, "INV", Month,
        AssessmentStatus.Submitted, 3, Result, false, 7, Created, Created.AddDays(2), Created.AddDays(2), ServiceUserConfirmation.Agreed, Created.AddDays(2).AddMinutes(12));

    private static readonly ImportRow[] ImportRows =
    [
        new(UnitCode, "INV", "2019-04", "INV-01", 2, AgreedRating: 2, FrameworkVersion: Framework),
        new(UnitCode, "INV", "2019-04", "INV-02", 1, AgreedRating: 2, FrameworkVersion: Framework),
        new(UnitCode, "INV", "2019-04", "INV-03", null, NotApplicable: true, NotApplicableReason: "No governance meetings were held that month.",
            AgreedRating: 2, FrameworkVersion: Framework),
    ];

    private static IEnumerable<(Type Type, object Example)> Assessments() =>
    [
        (typeof(CreateAssessmentRequest), new CreateAssessmentRequest(UnitId, "INV", Month,
            [new ParticipantInput(ParticipantRole.Staff, "Ward nurse"), new ParticipantInput(ParticipantRole.ServiceUser, "SU1")])),
        (typeof(ParticipantsRequest), new ParticipantsRequest(
            [new ParticipantInput(ParticipantRole.Staff, "Ward nurse"), new ParticipantInput(ParticipantRole.ServiceUser, "SU1"),
             new ParticipantInput(ParticipantRole.Advocate, "Independent advocate")])),
        (typeof(RatingsRequest), new RatingsRequest(
            [new RatingInput("INV-01", 3, StaffView: 3, ServiceUserView: 2, Note: "Meetings weekly; service users co-chair most of them."),
             new RatingInput("INV-02", null, NotApplicable: true, NotApplicableReason: "No family-visits room on this ward yet.")])),
        (typeof(AgreedRatingRequest), new AgreedRatingRequest(3, "Community meetings are well attended; minutes are not yet shared on the ward.")),
        (typeof(EvidenceInput), new EvidenceInput(EvidenceKind.Minutes, "Community meeting minutes, October",
            "Co-chaired by a service user; actions followed up the next week.", null, "INV-01", Shared: true)),
        (typeof(CommentRequest), new CommentRequest("Could you add the October minutes for INV-02? The rating says representatives attend, but no papers are attached.")),
        (typeof(AssessmentDetail), Assessment),
        (typeof(AssessmentSummary), Summary),
        (typeof(Page<AssessmentSummary>), new Page<AssessmentSummary>([Summary], "eyJtIjoiMjAyNi0xMCIsImkiOiJjN2UyYjFhMCJ9", 100)),
        (typeof(CommentResponse), Question),
        (typeof(Page<LibraryEntry>), new Page<LibraryEntry>([new LibraryEntry(AssessmentId, UnitId, UnitCode, Month, "INV", 3, Assessment.Evidence[0])], null, 100)),
        (typeof(ImportDocument), new ImportDocument(ImportRows)),
        (typeof(ImportReport), new ImportReport(DryRun: false, Applied: true, Rows: 3, Assessments: 1,
            [Guid.Parse("8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a")])),
    ];
}
