using FluentValidation;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Assessments;

/// <summary>
/// Refuses free text that carries a personal identifier: 422 naming the field and the kind, never the text.
/// Validators that use it stop each rule at its first failure (RuleLevelCascadeMode.Stop) and put the length
/// rule before the screen, so text that is too long is refused for its length without being read further.
/// </summary>
public static class ScreeningRules
{
    public const string ErrorCode = "personal-identifier";

    public static IRuleBuilderOptions<T, string?> HasNoPersonalIdentifiers<T>(this IRuleBuilder<T, string?> rule, TimeProvider clock) =>
        rule.Must((_, text, context) =>
            {
                if (PrivacyScreen.Find(text, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime)) is not { } kind)
                {
                    return true;
                }
                context.MessageFormatter.AppendArgument("Kind", PrivacyScreen.Describe(kind));
                return false;
            })
            .WithErrorCode(ErrorCode)
            .WithMessage("'{PropertyName}' seems to contain {Kind}. SeQuIn keeps no personal data: remove it and send again.");
}

public sealed class ParticipantInputValidator : AbstractValidator<ParticipantInput>
{
    public ParticipantInputValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(p => p.Role).IsInEnum();
        RuleFor(p => p.Label).MaximumLength(60).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class CreateAssessmentRequestValidator : AbstractValidator<CreateAssessmentRequest>
{
    public CreateAssessmentRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.UnitId).NotEmpty();
        RuleFor(r => r.AreaCode).NotEmpty().MaximumLength(6);
        RuleFor(r => r.Month).NotEmpty().SetValidator(new MonthValidator<CreateAssessmentRequest>())
            .WithMessage("'month' must be a month written YYYY-MM, e.g. 2026-03.");
        RuleFor(r => r.Month).Must(m => !Months.TryParse(m, out var month) || month <= Months.Current(clock))
            .WithMessage("'month' cannot be in the future.");
        RuleFor(r => r.Participants).Must(p => p is null || p.Count <= 20).WithMessage("'participants' may list at most 20 people.");
        RuleForEach(r => r.Participants).SetValidator(new ParticipantInputValidator(clock));
    }
}

public sealed class ParticipantsRequestValidator : AbstractValidator<ParticipantsRequest>
{
    public ParticipantsRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Participants).Must(p => p.Count <= 20).WithMessage("'participants' may list at most 20 people.");
        RuleForEach(r => r.Participants).SetValidator(new ParticipantInputValidator(clock));
    }
}

public sealed class RatingsRequestValidator : AbstractValidator<RatingsRequest>
{
    public RatingsRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Ratings).NotEmpty().Must(r => r.Count <= 50).WithMessage("'ratings' may hold at most 50 ratings.");
        RuleFor(r => r.Ratings).Must(r => r.Select(x => x.StandardCode).Distinct().Count() == r.Count)
            .WithMessage("Each standard may be rated once per request.");
        RuleForEach(r => r.Ratings).ChildRules(rating =>
        {
            rating.RuleLevelCascadeMode = CascadeMode.Stop;
            rating.RuleFor(x => x.StandardCode).NotEmpty().MaximumLength(12);
            rating.RuleFor(x => x.Value).NotNull().When(x => !x.NotApplicable)
                .WithMessage("'value' is required unless the standard is not applicable.");
            rating.RuleFor(x => x.Value).Null().When(x => x.NotApplicable)
                .WithMessage("'value' must be left out when the standard is not applicable.");
            rating.RuleFor(x => x.NotApplicableReason).NotEmpty().When(x => x.NotApplicable)
                .WithMessage("'notApplicableReason' is required when the standard is not applicable.");
            rating.RuleFor(x => x.NotApplicableReason).MaximumLength(1000).HasNoPersonalIdentifiers(clock);
            rating.RuleFor(x => x.Note).MaximumLength(2000).HasNoPersonalIdentifiers(clock);
        });
    }
}

public sealed class AgreedRatingRequestValidator : AbstractValidator<AgreedRatingRequest>
{
    public AgreedRatingRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Note).MaximumLength(2000).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class EvidenceInputValidator : AbstractValidator<EvidenceInput>
{
    public EvidenceInputValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(e => e.Kind).IsInEnum();
        RuleFor(e => e.Title).NotEmpty().MaximumLength(200).HasNoPersonalIdentifiers(clock);
        RuleFor(e => e.Description).MaximumLength(4000).HasNoPersonalIdentifiers(clock);
        RuleFor(e => e.Link).MaximumLength(2000)
            .Must(l => l is null || (Uri.TryCreate(l, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.UserInfo.Length == 0))
            .WithMessage("'link' must be an absolute https address (without user name or password).")
            .HasNoPersonalIdentifiers(clock);
        RuleFor(e => e.StandardCode).MaximumLength(12);
    }
}

public sealed class CommentRequestValidator : AbstractValidator<CommentRequest>
{
    public CommentRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.Text).NotEmpty().MaximumLength(4000).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class AssessmentListQueryValidator : AbstractValidator<AssessmentListQuery>
{
    public AssessmentListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.status).IsEnumName<AssessmentListQuery, AssessmentStatus>();
        RuleFor(q => q.confirmation).IsEnumName<AssessmentListQuery, ConfirmationFilter>();
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
    }
}
