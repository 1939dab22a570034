using FluentValidation;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Buddying;

public static class BuddyingRules
{
    public const int MaxText = 2000;
}

public sealed class BuddySuggestionQueryValidator : AbstractValidator<BuddySuggestionQuery>
{
    public BuddySuggestionQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.standardCode).MaximumLength(12);
        RuleFor(q => q.areaCode).MaximumLength(6);
        RuleFor(q => q.standardCode).Must((q, code) => (code is null) != (q.areaCode is null))
            .WithMessage("Give either 'standardCode' or 'areaCode', not both and not neither.");
        RuleFor(q => q.month).IsMonth();
        RuleFor(q => q.months).InclusiveBetween(1, Buddies.MaxMonths);
        RuleFor(q => q.atLeast).InclusiveBetween(1, Buddies.MaxMonths)
            .Must((q, n) => n is null || n <= (q.months ?? Buddies.DefaultMonths))
            .WithMessage("'atLeast' may not be more than 'months'.");
        RuleFor(q => q.highAt).InclusiveBetween(0, 10);
    }
}

public sealed class BuddyPairingRequestValidator : AbstractValidator<BuddyPairingRequest>
{
    public BuddyPairingRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.BuddyUnitId).NotEmpty();
        RuleFor(r => r.StandardCode).MaximumLength(12)
            .Must((r, code) => (code is null) != (r.AreaCode is null))
            .WithMessage("Give either 'standardCode' or 'areaCode', not both and not neither.");
        RuleFor(r => r.AreaCode).MaximumLength(6);
        RuleFor(r => r.StartedMonth).NotEmpty().IsMonth()
            .Must(m => !Months.TryParse(m, out var month) || month <= Months.Current(clock))
            .WithMessage("'startedMonth' may not be after the current month.");
        RuleFor(r => r.Notes).MaximumLength(BuddyingRules.MaxText).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class BuddyOutcomeRequestValidator : AbstractValidator<BuddyOutcomeRequest>
{
    public BuddyOutcomeRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Outcome).IsInEnum();
        RuleFor(r => r.Note).MaximumLength(BuddyingRules.MaxText).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class BuddyPairingQueryValidator : AbstractValidator<BuddyPairingQuery>
{
    public BuddyPairingQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.outcome).IsEnumName<BuddyPairingQuery, BuddyOutcome>();
    }
}
