using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private static readonly DateTimeOffset Activated = new(2026, 1, 12, 10, 0, 0, TimeSpan.Zero);

    private static readonly ScalePointResponse[] Scale =
    [
        new(0, "Not in place", "Not happening yet", "There is no evidence that this practice happens on the unit.", ["no", "not yet"]),
        new(1, "Starting", "Just started", "First steps have been taken, but the practice is new, occasional or limited to one ward or a few people.", ["start", "step"]),
        new(2, "Developing", "Getting there", "The practice happens regularly in parts of the unit with some evidence, but it is not yet consistent everywhere.", ["getting there", "step", "more"]),
        new(3, "Established", "Happening well", "The practice happens consistently across the unit and is supported by clear evidence and service user feedback.", ["good", "happening"]),
        new(4, "Embedded", "Part of everyday life", "The practice is part of everyday life, reviewed with service users, sustained over time and ready to share with other units as good practice.", ["star", "every day"]),
    ];

    private static readonly StandardResponse Standard = new(Framework, "INV", "INV-01",
        "Each ward holds a community meeting at least weekly, co-chaired by a service user and a member of staff, with minutes and agreed actions displayed on the ward.",
        "Each ward has a meeting every week. A patient and a staff member run it together. The notes go up on the ward.",
        ["meeting", "talk", "together"], ["Community meeting minutes", "Action log displayed on the ward", "Co-chair rota"], 1);

    private static readonly AreaDetail Area = new(Framework, "INV", "Involvement", "Having your say",
        "How service users and staff share power to plan, run and improve the unit together.",
        "This is about patients and staff working together. You have a say in how the ward and hospital are run, and we show you what changed.",
        ["talk", "together", "meeting", "voice"], 1, [Standard]);

    private static readonly FrameworkVersionSummary FrameworkSummary = new(Framework, "SeQuIn Secure Quality Involvement framework",
        "120 co-produced standards of good involvement practice across 12 areas of secure mental health care.", FrameworkStatus.Active,
        ScoringRule.MeanOfApplicable, true, 12, 120, Activated.AddHours(-1), Activated, Activated, null, true);

    private static readonly Guid CommentId = Guid.Parse("0193a4c2-7e10-7d41-9a35-2f6b8c1d0e52");
    private static readonly Guid DemoNetworkId = Guid.Parse("0193a4c2-1000-7000-8000-000000000001");
    private static readonly Guid DemoUnitId = Guid.Parse("0193a4c2-2000-7000-8000-000000000002");

    private static readonly FrameworkCommentResponse FrameworkComment = new(CommentId, Framework, "INV", "INV-02", CommentVoice.ServiceUser,
        "Papers come too late to read them with support before the meeting.",
        "Papers are sent a week before, in easy read.", DemoNetworkId, DemoUnitId, Activated.AddDays(30),
        FrameworkCommentStatus.Answered, "2027.1", null, null, 1);

    private static IEnumerable<(Type Type, object Example)> Frameworks() =>
    [
        (typeof(FrameworkDocument), new FrameworkDocument("2027.1", "SeQuIn Secure Quality Involvement framework, 2027 revision",
            ScoringRule.MeanOfApplicable, true,
            [.. Scale.Select(p => new ScalePointInput(p.Value, p.Label, p.EasyReadLabel, p.Description, p.PictureKeywords))],
            [new AreaInput("INV", Area.Name, Area.EasyReadName, Area.Description, Area.EasyReadDescription,
                [new StandardInput(Standard.Code, Standard.Statement, Standard.EasyReadStatement, Standard.PictureKeywords, Standard.EvidenceSources,
                    [CommentId])],
                Area.PictureKeywords)],
            "The 2027 revision: wording agreed at the network's co-production day.", OpenForComment: true)),
        (typeof(FrameworkVersionSummary), FrameworkSummary),
        (typeof(Page<FrameworkVersionSummary>), new Page<FrameworkVersionSummary>([FrameworkSummary], null, 100)),
        (typeof(FrameworkVersionDetail), new FrameworkVersionDetail(Framework, FrameworkSummary.Title, FrameworkSummary.Description,
            FrameworkStatus.Active, ScoringRule.MeanOfApplicable, true, FrameworkSummary.CreatedAt, Activated, Activated, null, Scale, [Area], true)),
        (typeof(ScaleResponse), new ScaleResponse(Framework, ScoringRule.MeanOfApplicable, true, true, 0, 4, Scale)),
        (typeof(AreaDetail), Area),
        (typeof(StandardResponse), Standard),
        (typeof(FrameworkDiff), new FrameworkDiff("2027.1", Framework, [], [], [new AreaChange("INV", ["easyReadDescription"])],
            [new StandardChange("TEC-11", "TEC", null, [], null, "Service users can video-call family and friends from the ward, with staff support when they want it.", [], 0)],
            [],
            [new StandardChange("INV-02", "INV", null, ["statement"],
                "Service user representatives attend the unit's governance and service improvement meetings as full members, with papers sent in advance in an accessible format.",
                "Service user representatives attend governance meetings as full members, with accessible papers sent a week in advance.",
                [new AnsweredComment(CommentId, Framework, CommentVoice.ServiceUser, FrameworkComment.Text, FrameworkComment.Suggestion)], 1)],
            [], false, false, [new ScalePointChange(4, ["pictureKeywords"])], [], 3)),
        (typeof(FrameworkCommentRequest), new FrameworkCommentRequest(CommentVoice.ServiceUser, FrameworkComment.Text, FrameworkComment.Suggestion, DemoUnitId)),
        (typeof(DeclineFrameworkCommentRequest), new DeclineFrameworkCommentRequest(
            "The network agreed to keep this wording for now; the co-production day will look at it again next year.")),
        (typeof(FrameworkCommentResponse), FrameworkComment),
        (typeof(Page<FrameworkCommentResponse>), new Page<FrameworkCommentResponse>([FrameworkComment], null, 100)),
        (typeof(Page<StandardComments>), new Page<StandardComments>([new StandardComments(Framework, "INV", "INV-02",
            "Service user representatives attend the unit's governance and service improvement meetings as full members, with papers sent in advance in an accessible format.",
            "Patients go to the big meetings about how the hospital is run. They get the papers early, in a way they can read.",
            ["meeting", "paper", "voice"], new VoiceCounts(0, 1, 0, 0), [FrameworkComment])], null, 100)),
    ];
}
