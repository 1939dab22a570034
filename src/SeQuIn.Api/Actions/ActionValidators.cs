using FluentValidation;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Actions;

public static class ActionLimits
{
    public const int MaxText = 1000;
    public const int MaxComment = 2000;
    public const int MaxRationale = 2000;
    public const int MaxStandardCode = 12;
    public const int MaxAreaCode = 6;
}

public sealed class CreateActionRequestValidator : AbstractValidator<CreateActionRequest>
{
    public CreateActionRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.StandardCode).NotEmpty().MaximumLength(ActionLimits.MaxStandardCode);
        RuleFor(r => r.What).NotEmpty().MaximumLength(ActionLimits.MaxText).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.Owner).IsInEnum();
        RuleFor(r => r.DueMonth).NotEmpty().IsMonth();
        RuleFor(r => r.EvidenceExpected).NotEmpty().MaximumLength(ActionLimits.MaxText).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.TargetRating).InclusiveBetween(0, 100);
    }
}

public sealed class UpdateActionRequestValidator : AbstractValidator<UpdateActionRequest>
{
    public UpdateActionRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.What).NotEmpty().MaximumLength(ActionLimits.MaxText).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.Owner).IsInEnum();
        RuleFor(r => r.DueMonth).NotEmpty().IsMonth();
        RuleFor(r => r.EvidenceExpected).NotEmpty().MaximumLength(ActionLimits.MaxText).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.TargetRating).InclusiveBetween(0, 100);
    }
}

public sealed class ActionStatusRequestValidator : AbstractValidator<ActionStatusRequest>
{
    public ActionStatusRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Status).IsInEnum();
        RuleFor(r => r.Reason).NotEmpty().When(r => r.Status == ActionStatus.Dropped)
            .WithMessage("'reason' is needed to drop an action: say in a few words why.");
        RuleFor(r => r.Reason).MaximumLength(ActionLimits.MaxText).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class ActionCommentRequestValidator : AbstractValidator<ActionCommentRequest>
{
    public ActionCommentRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Text).NotEmpty().MaximumLength(ActionLimits.MaxComment).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class ActionListQueryValidator : AbstractValidator<ActionListQuery>
{
    public ActionListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.status).IsEnumName<ActionListQuery, ActionStatus>();
        RuleFor(q => q.standardCode).MaximumLength(ActionLimits.MaxStandardCode);
        RuleFor(q => q.areaCode).MaximumLength(ActionLimits.MaxAreaCode);
    }
}

public sealed class CreatePriorityRequestValidator : AbstractValidator<CreatePriorityRequest>
{
    public CreatePriorityRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.StandardCode).MaximumLength(ActionLimits.MaxStandardCode);
        RuleFor(r => r.AreaCode).MaximumLength(ActionLimits.MaxAreaCode);
        RuleFor(r => r.AreaCode).NotEmpty().When(r => r.StandardCode is null)
            .WithMessage("'areaCode' is needed for a priority on a whole area; for one standard, send 'standardCode'.");
        RuleFor(r => r.Rationale).NotEmpty().MaximumLength(ActionLimits.MaxRationale).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.TargetRating).InclusiveBetween(0, 100);
        RuleFor(r => r.ReviewMonth).NotEmpty().IsMonth();
    }
}

public sealed class UpdatePriorityRequestValidator : AbstractValidator<UpdatePriorityRequest>
{
    public UpdatePriorityRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Rationale).NotEmpty().MaximumLength(ActionLimits.MaxRationale).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.TargetRating).InclusiveBetween(0, 100);
        RuleFor(r => r.ReviewMonth).NotEmpty().IsMonth();
        RuleFor(r => r.Status).IsInEnum();
    }
}

public sealed class PriorityListQueryValidator : AbstractValidator<PriorityListQuery>
{
    public PriorityListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.status).IsEnumName<PriorityListQuery, PriorityStatus>();
    }
}

public sealed class PriorityProgressQueryValidator : AbstractValidator<PriorityProgressQuery>
{
    /// <summary>A window of at most ten years keeps the answer small and the month arithmetic in range.</summary>
    public const int MaxMonths = 120;

    public PriorityProgressQueryValidator(TimeProvider clock)
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
        RuleFor(q => q).Custom((q, context) =>
        {
            if (!Months.TryParse(q.from ?? "2000-01", out _) || !Months.TryParse(q.to ?? Months.Format(Months.Current(clock)), out _))
            {
                return;
            }
            var (from, to) = q.Window(clock);
            if (from > to)
            {
                context.AddFailure("from", "'from' must not be after 'to'.");
            }
            else if ((to.Year - from.Year) * 12 + to.Month - from.Month >= MaxMonths)
            {
                context.AddFailure("from", $"The window may hold at most {MaxMonths} months.");
            }
        });
    }
}
