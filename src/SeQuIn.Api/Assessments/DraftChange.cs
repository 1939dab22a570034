using Microsoft.AspNetCore.Http.HttpResults;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// What a change to a draft did: the description the audit trail records, or the refusal that stopped it (then
/// nothing is saved). A change returns <see cref="Applied"/> or one of the problems, which convert implicitly.
/// </summary>
public sealed class DraftChange
{
    private DraftChange(object? description, Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>? refusal) =>
        (Description, Refusal) = (description, refusal);

    /// <summary>What the change did, as the audit trail records it; null when refused.</summary>
    public object? Description { get; }

    public Results<Ok<AssessmentDetail>, ChangeProblem, ValidationProblem, UnprocessableProblem>? Refusal { get; }

    public static DraftChange Applied(object description) => new(description, null);

    public static implicit operator DraftChange(ValidationProblem invalid) => new(null, invalid);

    public static implicit operator DraftChange(UnprocessableProblem unacceptable) => new(null, unacceptable);
}
