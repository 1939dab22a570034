using FluentValidation;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Families;

internal static class FamilyRules
{
    /// <summary>The shape of a share code only; whether it opens a unit is the endpoint's question (and costs a wrong guess).</summary>
    public static IRuleBuilderOptions<T, string> IsShareCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(ShareCodes.MaxInputLength)
            .Must(code => ShareCodes.Normalise(code) is not null)
            .WithMessage("'shareCode' must be the ten letters and digits of a share code, as XXXXX-XXXXX.");

    public static IRuleBuilderOptions<T, string?> IsAreaCode<T>(this IRuleBuilder<T, string?> rule) =>
        rule.MaximumLength(6).Matches("^[A-Z]{2,6}$").WithMessage("'areaCode' must be 2 to 6 capital letters.");
}

public sealed class UnitPageRequestValidator : AbstractValidator<UnitPageRequest>
{
    public UnitPageRequestValidator()
    {
        RuleFor(r => r.ShareCode).IsShareCode();
        RuleFor(r => r.Months).InclusiveBetween(1, 24);
    }
}

public sealed class FamilyResponseRequestValidator : AbstractValidator<FamilyResponseRequest>
{
    public FamilyResponseRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.ShareCode).IsShareCode();
        RuleFor(r => r.Month).NotEmpty().IsMonth();
        RuleFor(r => r.AreaCode).NotEmpty().IsAreaCode();
        RuleFor(r => r.Response).IsInEnum();
        RuleFor(r => r.Comment).MaximumLength(500).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class ModerationRequestValidator : AbstractValidator<ModerationRequest>
{
    public ModerationRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.Decision).IsInEnum();
        RuleFor(r => r.Note).MaximumLength(500).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class FamilyResponseListQueryValidator : AbstractValidator<FamilyResponseListQuery>
{
    public FamilyResponseListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.status).IsEnumName<FamilyResponseListQuery, FamilyResponseStatus>();
        RuleFor(q => q.month).IsMonth();
        RuleFor(q => q.areaCode).IsAreaCode();
    }
}

public sealed class FamilyConcurrenceQueryValidator : AbstractValidator<FamilyConcurrenceQuery>
{
    public const int MaxMonths = 36;

    public FamilyConcurrenceQueryValidator()
    {
        RuleFor(q => q.from).IsMonth();
        RuleFor(q => q.to).IsMonth();
        RuleFor(q => q.to)
            .Must((q, to) => Months.Parse(to!) >= Months.Parse(q.from!) && Months.Parse(q.from!).AddMonths(MaxMonths) > Months.Parse(to!))
            .When(q => Months.TryParse(q.from, out _) && Months.TryParse(q.to, out _))
            .WithMessage($"'to' must be from 'from' to {MaxMonths - 1} months after it.");
    }
}
