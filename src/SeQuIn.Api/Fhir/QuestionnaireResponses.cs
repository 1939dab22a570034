using System.Globalization;
using Hl7.Fhir.Model;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Fhir;

/// <summary>What a QuestionnaireResponse needs of the framework version an assessment was rated against.</summary>
/// <param name="Version">The framework version's identifier: the Questionnaire's `version`.</param>
/// <param name="AreaName">The area's name, the group item's text.</param>
/// <param name="Standards">The area's standards in the framework's order: code and statement.</param>
/// <param name="Scale">The scale's points: value and label.</param>
public sealed record AssessedArea(string Version, string AreaName, IReadOnlyList<(string Code, string Statement)> Standards,
    IReadOnlyDictionary<int, string> Scale);

/// <summary>
/// An assessment as an HL7 FHIR R4 QuestionnaireResponse (issue #15), made from the REST API's own answer
/// (<see cref="AssessmentDetail"/>) so the two can never disagree. Pure: no EF, no ASP.NET.
/// <list type="bullet">
/// <item>`questionnaire` = <see cref="FhirNames.QuestionnaireUrl"/>|framework version; `subject` = the unit's Organization.</item>
/// <item>`authored` = the month assessed, at month precision (a FHIR dateTime may be `YYYY-MM`): what the answers are
/// about, and what the `authored` search compares; `meta.lastUpdated` = the last change.</item>
/// <item>One group item per area (linkId = area code) holding one item per standard (linkId = standard code) whose
/// answer is the agreed rating as a coding of <see cref="FhirNames.ScaleCodeSystem"/> (code = the scale value,
/// versioned by the framework version); the staff and service-user views are extensions of the item, the agreed
/// overall rating of the area an extension of the group. A standard rated not applicable answers the Questionnaire's
/// `not-applicable` option and carries <see cref="FhirNames.NotApplicableExtension"/> with its reason.</item>
/// <item>Participants by role only, one <see cref="FhirNames.ParticipantsExtension"/> coding each: their pseudonymous
/// labels are left out, so nothing about a person is ever in the resource.</item>
/// <item>Evidence by reference, never its bytes: an attachment with the REST download url, content type, size and
/// title (or the evidence's https link), under the standard it backs or, for the whole area, in an
/// `{area}.evidence` item.</item>
/// </list>
/// </summary>
public static class QuestionnaireResponses
{
    /// <summary>
    /// draft → in-progress (also after a return or a reopening: its answers are being changed and are not final);
    /// submitted → completed, or amended when it was returned or reopened before (completed once, changed afterwards).
    /// </summary>
    public static QuestionnaireResponse.QuestionnaireResponseStatus Status(AssessmentDetail a) => a.Status switch
    {
        AssessmentStatus.Submitted when WasReopened(a) => QuestionnaireResponse.QuestionnaireResponseStatus.Amended,
        AssessmentStatus.Submitted => QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
        _ => QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
    };

    /// <summary>The statuses a status search may name, as the assessment statuses they select.</summary>
    public static string Code(QuestionnaireResponse.QuestionnaireResponseStatus status) => status switch
    {
        QuestionnaireResponse.QuestionnaireResponseStatus.InProgress => "in-progress",
        QuestionnaireResponse.QuestionnaireResponseStatus.Completed => "completed",
        QuestionnaireResponse.QuestionnaireResponseStatus.Amended => "amended",
        QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError => "entered-in-error",
        _ => "stopped",
    };

    private static bool WasReopened(AssessmentDetail a) => a.Comments.Any(c => c.Kind is CommentKind.Question or CommentKind.Reopening);

    /// <summary>The answer option the Questionnaire offers for "not applicable" (FhirQuestionnaires.NotApplicableCode).</summary>
    public const string NotApplicableCode = "not-applicable";

    public static string Reference(Guid unitId) => $"Organization/{unitId:D}";

    public static QuestionnaireResponse From(AssessmentDetail a, AssessedArea area)
    {
        var response = new QuestionnaireResponse
        {
            Id = a.Id.ToString("D"),
            Meta = new Meta { LastUpdated = a.UpdatedAt, VersionId = a.Revision.ToString(CultureInfo.InvariantCulture) },
            Identifier = new Identifier(FhirNames.AssessmentIdSystem, a.Id.ToString("D")),
            Questionnaire = $"{FhirNames.QuestionnaireUrl}|{area.Version}",
            Status = Status(a),
            Subject = new ResourceReference(Reference(a.UnitId)) { Display = a.UnitCode },
            AuthoredElement = new FhirDateTime(a.Month),
        };
        foreach (var participant in a.Participants)
        {
            response.Extension.Add(new Extension(FhirNames.ParticipantsExtension,
                new Coding(FhirNames.ParticipantRoleSystem, EnumQuery.NameOf(participant.Role))));
        }
        var group = new QuestionnaireResponse.ItemComponent { LinkId = a.AreaCode, Text = area.AreaName };
        if (a.AgreedRating is { } agreed)
        {
            group.Extension.Add(new Extension(FhirNames.AgreedRatingExtension, ScalePoint(agreed, area)));
        }
        var ratings = a.Ratings.ToDictionary(r => r.StandardCode, StringComparer.Ordinal);
        var evidence = a.Evidence.ToLookup(e => e.StandardCode ?? "");
        foreach (var (code, statement) in area.Standards)
        {
            var item = new QuestionnaireResponse.ItemComponent { LinkId = code, Text = statement };
            if (ratings.TryGetValue(code, out var rating))
            {
                if (rating.Value is { } value)
                {
                    item.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = ScalePoint(value, area) });
                }
                else if (rating.NotApplicable)
                {
                    // The Questionnaire offers "not applicable" among the answers where the version allows it.
                    item.Answer.Add(new QuestionnaireResponse.AnswerComponent
                    {
                        Value = new Coding(FhirNames.ScaleCodeSystem, NotApplicableCode, "Not applicable") { Version = area.Version },
                    });
                    item.Extension.Add(new Extension(FhirNames.NotApplicableExtension, new FhirString(rating.NotApplicableReason ?? "Not applicable")));
                }
                if (rating.StaffView is { } staff)
                {
                    item.Extension.Add(new Extension(FhirNames.StaffViewExtension, ScalePoint(staff, area)));
                }
                if (rating.ServiceUserView is { } serviceUser)
                {
                    item.Extension.Add(new Extension(FhirNames.ServiceUserViewExtension, ScalePoint(serviceUser, area)));
                }
            }
            if (evidence[code].Any())
            {
                var attached = EvidenceItem(code, evidence[code]);
                // A question item may hold nested items under its answer or under itself, never both (qrs-1).
                (item.Answer.Count > 0 ? item.Answer[0].Item : item.Item).Add(attached);
            }
            group.Item.Add(item);
        }
        if (evidence[""].Any())
        {
            group.Item.Add(EvidenceItem(a.AreaCode, evidence[""]));
        }
        response.Item.Add(group);
        return response;
    }

    /// <summary>The linkId of the item holding a standard's (or, with the area code, the whole area's) evidence.</summary>
    public static string EvidenceLinkId(string code) => $"{code}.evidence";

    private static QuestionnaireResponse.ItemComponent EvidenceItem(string code, IEnumerable<EvidenceResponse> evidence)
    {
        var item = new QuestionnaireResponse.ItemComponent { LinkId = EvidenceLinkId(code), Text = "Evidence" };
        foreach (var e in evidence)
        {
            item.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = Attachment(e) });
        }
        return item;
    }

    /// <summary>Evidence by reference: the file's REST url, type and size, or the evidence's own link; never the bytes.</summary>
    public static Attachment Attachment(EvidenceResponse e)
    {
        var attachment = new Attachment { Title = e.Title, CreationElement = new FhirDateTime(e.CreatedAt) };
        if (e.File is { } file)
        {
            attachment.Url = file.Url;
            attachment.ContentType = file.ContentType;
            attachment.SizeUnsignedInt = file.Size is >= 0 and <= int.MaxValue ? (int)file.Size : null;
        }
        else if (e.Link is { } link)
        {
            attachment.Url = link;
        }
        return attachment;
    }

    /// <summary>A point of the version's scale: code = its value, display = its label.</summary>
    public static Coding ScalePoint(int value, AssessedArea area) =>
        new(FhirNames.ScaleCodeSystem, value.ToString(CultureInfo.InvariantCulture), area.Scale.GetValueOrDefault(value))
        {
            Version = area.Version,
        };
}
