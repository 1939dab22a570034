using FluentValidation;
using SeQuIn.Api.Assessments;

namespace SeQuIn.Api.Confirmations;

public static class CodeRules
{
    public static IRuleBuilderOptions<T, string> IsConfirmationCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotNull()
            .MaximumLength(ConfirmationCodeFormat.MaxTypedLength)
            .Must(code => ConfirmationCodeFormat.Normalise(code) is not null)
            .WithMessage($"'code' must be the {ConfirmationCodeFormat.Length} characters of a confirmation code, e.g. K7PM-3XQ2 " +
                $"(letters and digits from {ConfirmationCodeFormat.Alphabet}; case, spaces and dashes do not matter).");
}

public sealed class CodeRequestValidator : AbstractValidator<CodeRequest>
{
    public CodeRequestValidator() => RuleFor(r => r.Code).IsConfirmationCode();
}

public sealed class ConfirmationRequestValidator : AbstractValidator<ConfirmationRequest>
{
    public const int MaxReasonLength = 500;

    public ConfirmationRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Code).IsConfirmationCode();
        RuleFor(r => r.Decision).IsInEnum();
        RuleFor(r => r.Reason).NotEmpty().When(r => r.Decision == ConfirmationDecision.Disagree)
            .WithMessage("'reason' is needed to disagree: say in a few words why.");
        RuleFor(r => r.Reason).Null().When(r => r.Decision == ConfirmationDecision.Agree)
            .WithMessage("'reason' is only for disagreeing: leave it out to agree.");
        RuleFor(r => r.Reason).MaximumLength(MaxReasonLength).HasNoPersonalIdentifiers(clock);
    }
}
