namespace SeQuIn.Api.Assessments;

/// <summary>What a submission needs, and the stable list order. Pure.</summary>
public static class Submission
{
    /// <summary>Every missing item, by the field a client would fix: empty when the assessment can be submitted.</summary>
    public static Dictionary<string, string[]> Missing(Assessment assessment, IEnumerable<string> standardCodes)
    {
        var missing = new Dictionary<string, string[]>();
        var unrated = standardCodes
            .Where(code => assessment.Ratings.SingleOrDefault(r => r.StandardCode == code) is not { } rating
                           || (rating.Value is null && !(rating.NotApplicable && !string.IsNullOrWhiteSpace(rating.NotApplicableReason))))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (unrated.Count > 0)
        {
            missing["ratings"] = [$"Every standard needs a rating, or 'not applicable' with a reason. Not yet rated: {string.Join(", ", unrated)}."];
        }
        var participants = new List<string>();
        if (!assessment.Participants.Any(p => p.Role == ParticipantRole.Staff))
        {
            participants.Add("A staff participant is required: SeQuIn assessments are made by staff and service users together.");
        }
        if (!assessment.Participants.Any(p => p.Role == ParticipantRole.ServiceUser))
        {
            participants.Add("A service-user participant is required: SeQuIn assessments are made by staff and service users together.");
        }
        if (participants.Count > 0)
        {
            missing["participants"] = [.. participants];
        }
        if (assessment.AgreedRating is null)
        {
            missing["agreedRating"] = ["The overall rating the participants agreed for the area is required."];
        }
        return missing;
    }

    public static string SortKey(DateOnly month, Guid unitId, string areaCode) => $"{Months.Format(month)}|{unitId}|{areaCode}";
}
