using System.Text.Json;
using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Tests.Assessments;

public sealed class HistoryRedactionTests
{
    private static readonly Guid Unshared = Guid.NewGuid(), Shared = Guid.NewGuid();
    private static readonly IReadOnlySet<Guid> Readable = new HashSet<Guid> { Shared };

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void A_file_attached_to_unshared_evidence_keeps_its_type_and_size_and_loses_its_name()
    {
        var changes = Json($$"""{"evidenceId":"{{Unshared}}","fileName":"ward-round.pdf","contentType":"application/pdf","size":12}""");

        var redacted = HistoryRedaction.Redact("assessment.evidence-file-attached", changes, Readable);

        Assert.Equal($$"""{"evidenceId":"{{Unshared}}","contentType":"application/pdf","size":12}""", redacted.GetRawText());
    }

    [Fact]
    public void Removed_evidence_loses_its_title_because_nobody_can_read_it_any_more()
    {
        var redacted = HistoryRedaction.Redact("assessment.evidence-removed", Json($$"""{"evidenceId":"{{Guid.NewGuid()}}","title":"Complaint"}"""), Readable);

        Assert.False(redacted.TryGetProperty("title", out _));
    }

    [Fact]
    public void Shared_evidence_and_rows_about_other_things_are_left_as_they_are()
    {
        var shared = Json($$"""{"evidenceId":"{{Shared}}","fileName":"timetable.pdf"}""");
        var rating = Json("""{"title":"not evidence","standardCode":"INV-01"}""");

        Assert.Equal(shared.GetRawText(), HistoryRedaction.Redact("assessment.evidence-file-attached", shared, Readable).GetRawText());
        Assert.Equal(rating.GetRawText(), HistoryRedaction.Redact("assessment.ratings-set", rating, Readable).GetRawText());
    }

    [Fact]
    public void A_row_about_evidence_that_names_no_item_is_redacted_rather_than_trusted()
    {
        var redacted = HistoryRedaction.Redact("assessment.evidence-added", Json("""{"kind":"minutes","title":"Unnamed"}"""), Readable);

        Assert.Equal("""{"kind":"minutes"}""", redacted.GetRawText());
    }
}
