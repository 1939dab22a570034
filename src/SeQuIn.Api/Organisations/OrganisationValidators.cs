using FluentValidation;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Organisations;

internal static class OrganisationRules
{
    public static IRuleBuilderOptions<T, string> OrganisationCode<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().Matches("^[A-Z0-9][A-Z0-9-]{1,19}$")
            .WithMessage("'code' must be 2 to 20 capital letters, digits or hyphens, starting with a letter or digit.");

    public static IRuleBuilderOptions<T, string> OrganisationName<T>(this IRuleBuilder<T, string> rule) =>
        rule.NotEmpty().MaximumLength(200);
}

public sealed class CreateNetworkRequestValidator : AbstractValidator<CreateNetworkRequest>
{
    public CreateNetworkRequestValidator()
    {
        RuleFor(r => r.Code).OrganisationCode();
        RuleFor(r => r.Name).OrganisationName();
        RuleFor(r => r.Region).MaximumLength(100);
    }
}

public sealed class UpdateNetworkRequestValidator : AbstractValidator<UpdateNetworkRequest>
{
    public UpdateNetworkRequestValidator()
    {
        RuleFor(r => r.Name).OrganisationName();
        RuleFor(r => r.Region).MaximumLength(100);
    }
}

public sealed class CreateCollaborativeRequestValidator : AbstractValidator<CreateCollaborativeRequest>
{
    public CreateCollaborativeRequestValidator()
    {
        RuleFor(r => r.Code).OrganisationCode();
        RuleFor(r => r.Name).OrganisationName();
    }
}

public sealed class UpdateCollaborativeRequestValidator : AbstractValidator<UpdateCollaborativeRequest>
{
    public UpdateCollaborativeRequestValidator() => RuleFor(r => r.Name).OrganisationName();
}

public sealed class CreateProviderRequestValidator : AbstractValidator<CreateProviderRequest>
{
    public CreateProviderRequestValidator()
    {
        RuleFor(r => r.Code).OrganisationCode();
        RuleFor(r => r.Name).OrganisationName();
        RuleFor(r => r.Sector).IsInEnum();
    }
}

public sealed class UpdateProviderRequestValidator : AbstractValidator<UpdateProviderRequest>
{
    public UpdateProviderRequestValidator()
    {
        RuleFor(r => r.Name).OrganisationName();
        RuleFor(r => r.Sector).IsInEnum();
    }
}

public sealed class CreateUnitRequestValidator : AbstractValidator<CreateUnitRequest>
{
    public CreateUnitRequestValidator()
    {
        RuleFor(r => r.Code).OrganisationCode();
        RuleFor(r => r.Name).OrganisationName();
        RuleFor(r => r.SecurityLevel).IsInEnum();
        RuleFor(r => r.ProviderId).NotEmpty();
        RuleFor(r => r.NetworkId).NotEmpty();
        RuleFor(r => r.CollaborativeId).NotEqual(Guid.Empty);
    }
}

public sealed class UpdateUnitRequestValidator : AbstractValidator<UpdateUnitRequest>
{
    public UpdateUnitRequestValidator()
    {
        RuleFor(r => r.Name).OrganisationName();
        RuleFor(r => r.SecurityLevel).IsInEnum();
        RuleFor(r => r.ProviderId).NotEmpty();
        RuleFor(r => r.NetworkId).NotEmpty();
        RuleFor(r => r.CollaborativeId).NotEqual(Guid.Empty);
    }
}

public sealed class NetworkListQueryValidator : AbstractValidator<NetworkListQuery>
{
    public NetworkListQueryValidator() => this.AddPagingRules();
}

public sealed class CollaborativeListQueryValidator : AbstractValidator<CollaborativeListQuery>
{
    public CollaborativeListQueryValidator() => this.AddPagingRules();
}

public sealed class ProviderListQueryValidator : AbstractValidator<ProviderListQuery>
{
    public ProviderListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.sector).IsEnumName<ProviderListQuery, ProviderSector>();
    }
}

public sealed class UnitListQueryValidator : AbstractValidator<UnitListQuery>
{
    public UnitListQueryValidator()
    {
        this.AddPagingRules();
        RuleFor(q => q.securityLevel).IsEnumName<UnitListQuery, SecurityLevel>();
        RuleFor(q => q.sector).IsEnumName<UnitListQuery, ProviderSector>();
    }
}
