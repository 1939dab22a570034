using FluentValidation;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Framework;

public sealed class FrameworkDocumentValidator : AbstractValidator<FrameworkDocument>
{
    public const string IdentifierPattern = "^[A-Za-z0-9][A-Za-z0-9.-]{0,31}$";

    public FrameworkDocumentValidator()
    {
        RuleFor(d => d.Identifier).NotEmpty().Matches(IdentifierPattern)
            .WithMessage("'identifier' must be 1 to 32 letters, digits, dots or hyphens, starting with a letter or digit.")
            .Must(i => !string.Equals(i, FrameworkApi.ActiveAlias, StringComparison.OrdinalIgnoreCase))
            .WithMessage("'identifier' cannot be 'active': that name stands for the active version.");
        RuleFor(d => d.Title).NotEmpty().MaximumLength(200);
        RuleFor(d => d.Description).MaximumLength(2000);
        RuleFor(d => d.ScoringRule).IsInEnum();

        RuleFor(d => d.Scale).NotEmpty().Must(s => s.Count is >= 2 and <= 11)
            .WithMessage("'scale' must have between 2 and 11 points.");
        RuleFor(d => d.Scale).Custom(ScaleIsConsecutiveFromZero);
        RuleForEach(d => d.Scale).ChildRules(point =>
        {
            point.RuleFor(p => p.Label).NotEmpty().MaximumLength(60);
            point.RuleFor(p => p.EasyReadLabel).NotEmpty().MaximumLength(100);
            point.RuleFor(p => p.Description).NotEmpty().MaximumLength(500);
            point.RuleFor(p => p.PictureKeywords).ArePictureKeywords();
        });

        RuleFor(d => d.Areas).NotEmpty().Must(a => a.Count <= 50).WithMessage("'areas' may hold at most 50 areas.");
        RuleFor(d => d.Areas).Custom(CodesAreUnique);
        RuleForEach(d => d.Areas).SetValidator(new AreaInputValidator());
    }

    private static void ScaleIsConsecutiveFromZero(IReadOnlyList<ScalePointInput>? scale, ValidationContext<FrameworkDocument> context)
    {
        if (scale is null)
        {
            return;
        }
        for (var i = 0; i < scale.Count; i++)
        {
            if (scale[i] is { } point && point.Value != i)
            {
                context.AddFailure($"Scale[{i}].Value",
                    $"The scale must run 0, 1, 2, … without gaps or repeats, lowest first: point {i} must have value {i}, not {point.Value}.");
                return;
            }
        }
    }

    private static void CodesAreUnique(IReadOnlyList<AreaInput>? areas, ValidationContext<FrameworkDocument> context)
    {
        if (areas is null)
        {
            return;
        }
        var areaCodes = new HashSet<string>(StringComparer.Ordinal);
        var standardCodes = new HashSet<string>(StringComparer.Ordinal);
        for (var a = 0; a < areas.Count; a++)
        {
            if (areas[a]?.Code is { } areaCode && !areaCodes.Add(areaCode))
            {
                context.AddFailure($"Areas[{a}].Code", $"The area code '{areaCode}' is used more than once.");
            }
            var standards = areas[a]?.Standards ?? [];
            for (var s = 0; s < standards.Count; s++)
            {
                if (standards[s]?.Code is { } code && !standardCodes.Add(code))
                {
                    context.AddFailure($"Areas[{a}].Standards[{s}].Code", $"The standard code '{code}' is used more than once.");
                }
            }
        }
    }
}

public sealed class AreaInputValidator : AbstractValidator<AreaInput>
{
    public AreaInputValidator()
    {
        RuleFor(a => a.Code).NotEmpty().Matches("^[A-Z]{2,6}$").WithMessage("'code' must be 2 to 6 capital letters.");
        RuleFor(a => a.Name).NotEmpty().MaximumLength(100);
        RuleFor(a => a.EasyReadName).NotEmpty().MaximumLength(100);
        RuleFor(a => a.Description).NotEmpty().MaximumLength(1000);
        RuleFor(a => a.EasyReadDescription).NotEmpty().MaximumLength(500);
        RuleFor(a => a.PictureKeywords).ArePictureKeywords();
        RuleFor(a => a.Standards).NotEmpty().Must(s => s.Count <= 50).WithMessage("'standards' may hold at most 50 standards.");
        RuleForEach(a => a.Standards).ChildRules(standard =>
        {
            standard.RuleFor(s => s.Statement).NotEmpty().MaximumLength(400);
            standard.RuleFor(s => s.EasyReadStatement).NotEmpty().MaximumLength(300);
            standard.RuleFor(s => s.PictureKeywords).ArePictureKeywords();
            standard.RuleFor(s => s.EvidenceSources).Must(e => e is null || e.Count <= 20)
                .WithMessage("'evidenceSources' may hold at most 20 items.");
            standard.RuleForEach(s => s.EvidenceSources).NotEmpty().MaximumLength(200);
            standard.RuleFor(s => s.Answers).Must(a => a is null || a.Count <= FrameworkCommentRules.MaxAnswers)
                .WithMessage($"'answers' may name at most {FrameworkCommentRules.MaxAnswers} comments.")
                .Must(a => a is null || a.Distinct().Count() == a.Count).WithMessage("'answers' names a comment more than once.");
        });
        RuleFor(a => a.Standards).Custom((standards, context) =>
        {
            var areaCode = context.InstanceToValidate.Code;
            for (var i = 0; i < (standards?.Count ?? 0); i++)
            {
                if (!StandardCodeBelongsTo(areaCode, standards![i]?.Code))
                {
                    context.AddFailure($"Standards[{i}].Code",
                        $"'code' must be the area code, a hyphen and two digits, e.g. {areaCode}-01.");
                }
            }
        });
    }

    private static bool StandardCodeBelongsTo(string? areaCode, string? standardCode) =>
        areaCode is not null && standardCode is not null &&
        standardCode.Length == areaCode.Length + 3 &&
        standardCode.StartsWith(areaCode, StringComparison.Ordinal) &&
        standardCode[areaCode.Length] == '-' &&
        char.IsAsciiDigit(standardCode[^2]) && char.IsAsciiDigit(standardCode[^1]);
}

public sealed class FrameworkListQueryValidator : AbstractValidator<FrameworkListQuery>
{
    public FrameworkListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.status).IsEnumName<FrameworkListQuery, FrameworkStatus>();
    }
}

/// <summary>
/// Picture key words, wherever they appear (scale points, areas, standards): at most 10, each 1 to 40 characters of
/// letters, digits, spaces, hyphens and apostrophes — words a symbol set is searched for, never free text.
/// </summary>
public static class PictureKeywordRules
{
    public const int MaxWords = 10;
    public const int MaxLength = 40;

    public static void ArePictureKeywords<T>(this IRuleBuilder<T, IReadOnlyList<string>?> rule) =>
        rule.Custom((words, context) =>
        {
            if (words is null)
            {
                return;
            }
            const string member = "PictureKeywords"; // relative: FluentValidation puts the parent's path in front
            if (words.Count > MaxWords)
            {
                context.AddFailure(member, $"'pictureKeywords' may hold at most {MaxWords} words.");
            }
            for (var i = 0; i < words.Count; i++)
            {
                if (words[i] is { } word && !IsWord(word))
                {
                    context.AddFailure($"{member}[{i}]",
                        $"A picture key word must be 1 to {MaxLength} letters, digits, spaces, hyphens or apostrophes.");
                }
            }
        });

    /// <summary>A character scan, not a regular expression: linear, nothing to backtrack.</summary>
    public static bool IsWord(string word) =>
        word.Length is > 0 and <= MaxLength && !string.IsNullOrWhiteSpace(word) &&
        word.All(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '\'' or '\u2019');
}

public static class FrameworkCommentRules
{
    public const int MaxText = 2000;
    public const int MaxAnswers = 100;
}

public sealed class FrameworkCommentRequestValidator : AbstractValidator<FrameworkCommentRequest>
{
    public FrameworkCommentRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.Voice).IsInEnum();
        RuleFor(c => c.Text).NotEmpty().MaximumLength(FrameworkCommentRules.MaxText).HasNoPersonalIdentifiers(clock);
        RuleFor(c => c.Suggestion).MaximumLength(FrameworkCommentRules.MaxText).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class DeclineFrameworkCommentRequestValidator : AbstractValidator<DeclineFrameworkCommentRequest>
{
    public DeclineFrameworkCommentRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.Note).NotEmpty().MaximumLength(FrameworkCommentRules.MaxText).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class FrameworkCommentQueryValidator : AbstractValidator<FrameworkCommentQuery>
{
    public FrameworkCommentQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.voice).IsEnumName<FrameworkCommentQuery, CommentVoice>();
        RuleFor(q => q.status).IsEnumName<FrameworkCommentQuery, FrameworkCommentStatus>();
        RuleFor(q => q.standardCode).MaximumLength(12);
        RuleFor(q => q.areaCode).MaximumLength(6);
    }
}
