using FluentValidation;
using SeQuIn.Api.Assessments;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Access;

public sealed class ScopeInputValidator : AbstractValidator<ScopeInput>
{
    public ScopeInputValidator()
    {
        RuleFor(s => s.Kind).IsInEnum();
        RuleFor(s => s.NetworkId).NotNull().NotEqual(Guid.Empty).When(s => s.Kind == ScopeKind.Network)
            .WithMessage("'networkId' is required for a network scope.");
        RuleFor(s => s.NetworkId).Null().When(s => s.Kind != ScopeKind.Network)
            .WithMessage("'networkId' belongs only to a network scope.");
        RuleFor(s => s.CollaborativeId).NotNull().NotEqual(Guid.Empty).When(s => s.Kind == ScopeKind.Collaborative)
            .WithMessage("'collaborativeId' is required for a collaborative scope.");
        RuleFor(s => s.CollaborativeId).Null().When(s => s.Kind != ScopeKind.Collaborative)
            .WithMessage("'collaborativeId' belongs only to a collaborative scope.");
        RuleFor(s => s.UnitIds).NotEmpty().Must(u => u!.Count <= 50 && u.Distinct().Count() == u.Count && !u.Contains(Guid.Empty))
            .When(s => s.Kind == ScopeKind.Units).WithMessage("'unitIds' must list 1 to 50 different units for a units scope.");
        RuleFor(s => s.UnitIds).Must(u => u is null || u.Count == 0).When(s => s.Kind != ScopeKind.Units)
            .WithMessage("'unitIds' belongs only to a units scope.");
    }

    /// <summary>Which scopes each role may have.</summary>
    public static bool Fits(Role role, ScopeKind scope) => (role, scope) switch
    {
        (Role.NetworkAdmin, ScopeKind.National or ScopeKind.Network) => true,
        (Role.InvolvementLead, ScopeKind.Network) => true,
        (Role.UnitMember, ScopeKind.Units) => true,
        (Role.Analyst, ScopeKind.Network or ScopeKind.Collaborative) => true,
        (Role.Commissioner, ScopeKind.Network or ScopeKind.Collaborative) => true,
        _ => false,
    };

    public const string FitMessage =
        "This scope does not fit the role: network-admin takes national or network; involvement-lead network; " +
        "unit-member units; analyst and commissioner network or collaborative.";
}

public sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public static readonly TimeSpan MaximumLifetime = TimeSpan.FromDays(366);

    public CreateApiKeyRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        // Names and reasons are shown to every administrator and kept in the audit trail for good.
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.Role).IsInEnum();
        RuleFor(r => r.Scope).SetValidator(new ScopeInputValidator());
        RuleFor(r => r.Scope.Kind).Must((r, kind) => ScopeInputValidator.Fits(r.Role, kind))
            .WithMessage(ScopeInputValidator.FitMessage).OverridePropertyName("Scope.Kind").When(r => r.Scope is not null);
        RuleFor(r => r.ExpiresAt).Must(e => e is null || (e > clock.GetUtcNow() && e <= clock.GetUtcNow() + MaximumLifetime))
            .WithMessage("'expiresAt' must be in the future and at most 12 months ahead.");
    }
}

public sealed class RotateApiKeyRequestValidator : AbstractValidator<RotateApiKeyRequest>
{
    public RotateApiKeyRequestValidator(TimeProvider clock)
    {
        RuleFor(r => r.OverlapDays).InclusiveBetween(0, 30);
        RuleFor(r => r.ExpiresAt).Must(e => e is null || (e > clock.GetUtcNow() && e <= clock.GetUtcNow() + CreateApiKeyRequestValidator.MaximumLifetime))
            .WithMessage("'expiresAt' must be in the future and at most 12 months ahead.");
    }
}

public sealed class RevokeRequestValidator : AbstractValidator<RevokeRequest>
{
    public RevokeRequestValidator(TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).HasNoPersonalIdentifiers(clock);
    }
}

public sealed class CreateMembershipRequestValidator : AbstractValidator<CreateMembershipRequest>
{
    public CreateMembershipRequestValidator(IConfiguration configuration, TimeProvider clock)
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        var issuers = configuration.GetSection("SeQuIn:Oidc:Issuers").Get<OidcIssuerOptions[]>()?.Select(i => i.Issuer).ToHashSet() ?? [];
        RuleFor(r => r.Issuer).NotEmpty().MaximumLength(300).Must(issuers.Contains)
            .WithMessage("'issuer' is not an identity provider this service accepts (see SeQuIn:Oidc:Issuers).");
        RuleFor(r => r.Subject).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Name).NotEmpty().MaximumLength(100).HasNoPersonalIdentifiers(clock);
        RuleFor(r => r.Role).IsInEnum();
        RuleFor(r => r.Scope).SetValidator(new ScopeInputValidator());
        RuleFor(r => r.Scope.Kind).Must((r, kind) => ScopeInputValidator.Fits(r.Role, kind))
            .WithMessage(ScopeInputValidator.FitMessage).OverridePropertyName("Scope.Kind").When(r => r.Scope is not null);
    }
}

public sealed class ApiKeyListQueryValidator : AbstractValidator<ApiKeyListQuery>
{
    public ApiKeyListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.role).IsEnumName<ApiKeyListQuery, Role>();
    }
}

public sealed class MembershipListQueryValidator : AbstractValidator<MembershipListQuery>
{
    public MembershipListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.role).IsEnumName<MembershipListQuery, Role>();
    }
}
