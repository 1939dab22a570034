using FluentValidation;
using Hl7.Fhir.Model;
using Task = System.Threading.Tasks.Task;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SeQuIn.Api.Access;
using SeQuIn.Api.Data;
using SeQuIn.Api.Framework;

namespace SeQuIn.Api.Fhir;

/// <summary>
/// Each framework version as one Questionnaire (ADR 0038): url <see cref="FhirNames.QuestionnaireUrl"/> and version the
/// framework identifier, so url|version is stable; areas are group items, standards choice items whose answerOptions
/// are the version's rating scale; easy-read wording and picture keywords ride in extensions. Visible as
/// GET /api/v1/frameworks is, to signed-in callers: drafts only to those who see drafts (or drafts open for comment).
/// </summary>
public static class FhirQuestionnaires
{
    public const string Type = "Questionnaire";
    public const string IdPrefix = "sequin-framework-";
    public const string NotApplicableCode = "not-applicable";
    private const string NamePrefix = "SeQuInFramework_";

    public static readonly FhirResourceDefinition Definition = new(
        Type, Policies.SignedIn, AllowedRoles.Everyone,
        "Each framework version as a Questionnaire: url " + FhirNames.QuestionnaireUrl + ", version the framework identifier; " +
        "areas are group items, standards choice items whose answerOptions are the rating scale (" + FhirNames.ScaleCodeSystem + ").",
        [
            new("url", SearchParamType.Uri, $"The canonical URL; every version has {FhirNames.QuestionnaireUrl}."),
            new("version", SearchParamType.Token, "The framework version identifier, e.g. 2021.1."),
            new("status", SearchParamType.Token, "draft, active or retired."),
            new("name", SearchParamType.String, $"Computable name ({NamePrefix}<identifier>) starts with the value, ignoring case."),
        ],
        ReadQuestionnaire, SearchQuestionnaire, () => ToResource(Common.ContractExamples.ExampleOf<FrameworkVersionDetail>()),
        scope => Matches(scope.Db, scope.Changed(Visible(scope.Db, scope.Caller), v => v.UpdatedAt)));

    public static async Task<FhirResult> ReadQuestionnaire(string id, Caller caller, SeQuInDbContext db, CancellationToken ct)
    {
        if (!id.StartsWith(IdPrefix, StringComparison.Ordinal) || id.Length == IdPrefix.Length)
        {
            return FhirResult.NotFound(Type, id);
        }
        var identifier = id[IdPrefix.Length..];
        var drafts = FrameworkApi.DraftsFor(caller.Scope);
        var version = await Load(db).Where(FrameworkApi.Visible(drafts)).SingleOrDefaultAsync(v => v.Identifier == identifier, ct);
        return version is null ? FhirResult.NotFound(Type, id) : FhirResult.Ok(ToResource(FrameworkApi.ToDetail(version)));
    }

    public static Task<FhirResult> SearchQuestionnaire([AsParameters] QuestionnaireSearch query, HttpContext http, Caller caller,
        SeQuInDbContext db, CancellationToken ct)
    {
        var versions = Visible(db, caller);
        if (query.url is not null && query.url != FhirNames.QuestionnaireUrl)
        {
            versions = versions.Where(v => false);
        }
        if (query.version is not null)
        {
            var identifier = FhirSearch.Token(query.version).Code;
            versions = versions.Where(v => v.Identifier == identifier);
        }
        if (query.status is not null)
        {
            var status = Enum.TryParse<FrameworkStatus>(FhirSearch.Token(query.status).Code, ignoreCase: true, out var s) ? s : (FrameworkStatus?)null;
            versions = versions.Where(v => v.Status == status);
        }
        if (query.name is not null)
        {
            var pattern = FhirSearch.StartsWithPattern(query.name.Trim());
            versions = versions.Where(v => EF.Functions.ILike(NamePrefix + v.Identifier.Replace(".", "_").Replace("-", "_"), pattern, "\\"));
        }
        return FhirApi.SearchSetAsync(http, Type, Matches(db, versions), query, ct);
    }

    private static IQueryable<FrameworkVersion> Visible(SeQuInDbContext db, Caller caller) =>
        db.FrameworkVersions.AsNoTracking().Where(FrameworkApi.Visible(FrameworkApi.DraftsFor(caller.Scope)));

    private static FhirMatches<FrameworkVersion> Matches(SeQuInDbContext db, IQueryable<FrameworkVersion> versions) =>
        new(versions, v => v.Identifier, async (page, token) =>
        {
            var identifiers = page.Select(v => v.Identifier).ToList();
            var details = await Load(db).Where(v => identifiers.Contains(v.Identifier)).ToDictionaryAsync(v => v.Identifier, token);
            return identifiers.Select(i => (Resource)ToResource(FrameworkApi.ToDetail(details[i]))).ToList();
        });

    private static IQueryable<FrameworkVersion> Load(SeQuInDbContext db) =>
        db.FrameworkVersions.AsNoTracking().AsSplitQuery().Include(v => v.Scale).Include(v => v.Areas).ThenInclude(a => a.Standards);

    public static string IdOf(string identifier) => IdPrefix + identifier;

    /// <summary>The computable name: FHIR names allow letters, digits and underscores only.</summary>
    public static string NameOf(string identifier) => NamePrefix + identifier.Replace('.', '_').Replace('-', '_');

    /// <summary>Pure: the REST answer for a framework version, as a Questionnaire.</summary>
    public static Questionnaire ToResource(FrameworkVersionDetail version)
    {
        var questionnaire = new Questionnaire
        {
            Id = IdOf(version.Identifier),
            Meta = new Meta { LastUpdated = FhirSearch.Instant(version.UpdatedAt) },
            Url = FhirNames.QuestionnaireUrl,
            Version = version.Identifier,
            Name = NameOf(version.Identifier),
            Title = version.Title,
            Status = version.Status switch
            {
                FrameworkStatus.Active => PublicationStatus.Active,
                FrameworkStatus.Retired => PublicationStatus.Retired,
                _ => PublicationStatus.Draft,
            },
            SubjectType = [ResourceType.Organization],
            Date = version.UpdatedAt.ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "SeQuIn",
            Description = version.Description is null ? null : new Markdown(version.Description),
        };
        if (version.ActivatedAt is not null)
        {
            questionnaire.EffectivePeriod = new Period
            {
                StartElement = FhirDate(version.ActivatedAt.Value),
                EndElement = version.RetiredAt is { } retired ? FhirDate(retired) : null,
            };
        }
        var options = version.Scale.Select(point => ScaleOption(version.Identifier, point)).ToList();
        if (version.AllowNotApplicable)
        {
            options.Add(new Questionnaire.AnswerOptionComponent
            {
                Value = new Coding(FhirNames.ScaleCodeSystem, NotApplicableCode, "Not applicable") { Version = version.Identifier },
            });
        }
        foreach (var area in version.Areas)
        {
            var group = new Questionnaire.ItemComponent
            {
                LinkId = area.Code,
                Type = Questionnaire.QuestionnaireItemType.Group,
                Text = area.Name,
                Code = [new Coding(FhirNames.AreaCodeSystem, area.Code, area.Name)],
            };
            AddWording(group, area.EasyReadName, area.PictureKeywords);
            var description = new Questionnaire.ItemComponent
            {
                LinkId = area.Code + ".description",
                Type = Questionnaire.QuestionnaireItemType.Display,
                Text = area.Description,
            };
            AddWording(description, area.EasyReadDescription, []);
            group.Item.Add(description);
            foreach (var standard in area.Standards)
            {
                var item = new Questionnaire.ItemComponent
                {
                    LinkId = standard.Code,
                    Prefix = standard.Code,
                    Type = Questionnaire.QuestionnaireItemType.Choice,
                    Text = standard.Statement,
                    Code = [new Coding(FhirNames.StandardCodeSystem, standard.Code)],
                    AnswerOption = options.Select(o => (Questionnaire.AnswerOptionComponent)o.DeepCopy()).ToList(),
                };
                AddWording(item, standard.EasyReadStatement, standard.PictureKeywords);
                group.Item.Add(item);
            }
            questionnaire.Item.Add(group);
        }
        return questionnaire;
    }

    private static Questionnaire.AnswerOptionComponent ScaleOption(string identifier, ScalePointResponse point)
    {
        var option = new Questionnaire.AnswerOptionComponent
        {
            Value = new Coding(FhirNames.ScaleCodeSystem, point.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), point.Label)
            {
                Version = identifier,
            },
        };
        AddWording(option, point.EasyReadLabel, point.PictureKeywords);
        return option;
    }

    /// <summary>Easy-read wording, then one picture-keywords extension per key word, in order.</summary>
    private static void AddWording(Element element, string easyRead, IReadOnlyList<string> pictureKeywords)
    {
        element.Extension.Add(new Extension(FhirNames.EasyReadExtension, new FhirString(easyRead)));
        foreach (var keyword in pictureKeywords)
        {
            element.Extension.Add(new Extension(FhirNames.PictureKeywordsExtension, new FhirString(keyword)));
        }
    }

    private static FhirDateTime FhirDate(DateTimeOffset at) => new(at);
}

/// <summary>Questionnaire search (FHIR names; each at most once).</summary>
/// <param name="url">The canonical URL (every version shares it).</param>
/// <param name="version">The framework version identifier.</param>
/// <param name="status">draft, active or retired.</param>
/// <param name="name">Computable name starts with this, ignoring case.</param>
/// <param name="_count">Page size, 0 to 500 (default 50); 0 answers only the total.</param>
/// <param name="_cursor">Opaque; taken from the Bundle's next link.</param>
public sealed record QuestionnaireSearch(string? url, string? version, string? status, string? name, int? _count, string? _cursor) : IFhirSearch;

public sealed class QuestionnaireSearchValidator : AbstractValidator<QuestionnaireSearch>
{
    private static readonly string[] Statuses = ["draft", "active", "retired", "unknown"];

    public QuestionnaireSearchValidator()
    {
        this.AddFhirSearchRules();
        RuleFor(q => q.url).IsSearchValue();
        RuleFor(q => q.version).IsSearchValue();
        RuleFor(q => q.name).IsSearchValue();
        RuleFor(q => q.status).IsSearchValue()
            .Must(s => s is null || FhirSearch.Token(s) is var (system, code) && system is null or "http://hl7.org/fhir/publication-status"
                && Statuses.Contains(code))
            .WithMessage("'status' must be draft, active, retired or unknown.");
    }
}
