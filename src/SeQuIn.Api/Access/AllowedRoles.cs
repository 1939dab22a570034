using System.Text.Json;

namespace SeQuIn.Api.Access;

/// <summary>
/// Who may call an endpoint, as the contract tells it: the roles, and whether callers without credentials may.
/// The policies enforce it; this documents it (the last one on an endpoint wins).
/// </summary>
public sealed record AllowedRolesMetadata(IReadOnlyList<Role> Roles, bool Anonymous)
{
    public string Describe() =>
        (Anonymous ? "Anyone, without credentials" : "Roles: " + string.Join(", ", Roles.Select(r => JsonNamingPolicy.KebabCaseLower.ConvertName(r.ToString()))))
        + ".";
}

public static class AllowedRoles
{
    public static readonly Role[] Everyone = Enum.GetValues<Role>();

    /// <summary>The roles that read data about single units (policy <see cref="Policies.UnitLevelReader"/>): all but commissioner.</summary>
    public static readonly Role[] UnitLevelReaders = Everyone.Where(r => r != Role.Commissioner).ToArray();

    /// <summary>The roles offered commissioning roll-ups (policy <see cref="Policies.RollUpReader"/>): all but unit-member.</summary>
    public static readonly Role[] RollUpReaders = Everyone.Where(r => r != Role.UnitMember).ToArray();

    public static TBuilder WithRoles<TBuilder>(this TBuilder builder, params Role[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedRolesMetadata(roles, Anonymous: false));

    public static TBuilder WithAnonymousAccess<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedRolesMetadata(Everyone, Anonymous: true));
}
