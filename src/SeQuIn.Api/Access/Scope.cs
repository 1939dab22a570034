namespace SeQuIn.Api.Access;

/// <summary>What the scope rules need to know about a unit: where it belongs.</summary>
public readonly record struct UnitPlace(Guid UnitId, Guid NetworkId, Guid? CollaborativeId);

/// <summary>Some ids, or every id: what a query filters on. <see cref="All"/> means "do not filter".</summary>
public sealed record IdSet(bool All, Guid[] Ids)
{
    public static readonly IdSet Everything = new(true, []);

    public static IdSet Of(IEnumerable<Guid> ids) => new(false, ids.Distinct().ToArray());

    public bool Contains(Guid id) => All || Array.IndexOf(Ids, id) >= 0;

    public bool Contains(Guid? id) => id is { } value && Contains(value);

    /// <summary>Whether every id given is in the set; false for none (covering nothing is not covering "all of it").</summary>
    public bool ContainsAll(IReadOnlyCollection<Guid> ids) => ids.Count > 0 && ids.All(Contains);
}

/// <summary>
/// The one home of the scope rules: whom a caller's grants let it see, change and administer. Pure — no ASP.NET,
/// no EF: features ask it yes/no questions about one resource, or take from it the id sets their queries filter on.
/// <list type="bullet">
/// <item>A national administrator sees and administers everything; only it changes what every network shares
/// (the framework, provider collaboratives, providers that span networks).</item>
/// <item>A network administrator administers its network: units, keys, memberships, reopening submissions.</item>
/// <item>Network administrators and involvement leads review their network: they see its drafts and its unshared evidence.</item>
/// <item>Unit members make their own units' assessments, and read the submitted results of their units' network.</item>
/// <item>Analysts read submitted results of their network, or of their collaborative's units, and never write.</item>
/// <item>Commissioners read roll-ups of their network's or collaborative's units (provider, collaborative and network
/// summaries by area and month, every figure over at least the minimum group of units) and the directory, and never
/// write. They never see a single unit's results: no drafts, assessments, evidence, comments, unit benchmarks,
/// insight (its tables are per unit), exports of raw ratings or the change feed (its entries are per unit), and no
/// keys, memberships, webhooks or audit trail. A commissioner grant adds nothing to <see cref="ResultNetworks"/>.</item>
/// </list>
/// </summary>
public sealed class Scope
{
    public Scope(IReadOnlyList<Grant> grants)
    {
        IsNationalAdmin = grants.Any(g => g.Role == Role.NetworkAdmin && g.Scope == ScopeKind.National);
        IsNetworkAdmin = grants.Any(g => g.Role == Role.NetworkAdmin);
        AdministeredNetworks = IsNationalAdmin ? IdSet.Everything : NetworksOf(grants.Where(g => g.Role == Role.NetworkAdmin));
        ReviewedNetworks = IsNationalAdmin ? IdSet.Everything : NetworksOf(grants.Where(g => g.Role is Role.NetworkAdmin or Role.InvolvementLead));
        LedNetworks = NetworksOf(grants.Where(g => g.Role == Role.InvolvementLead));
        MemberUnits = IdSet.Of(grants.Where(g => g.Role == Role.UnitMember).SelectMany(g => g.UnitIds));
        ResultNetworks = IsNationalAdmin ? IdSet.Everything : NetworksOf(grants.Where(g => g.Role != Role.Commissioner));
        ResultCollaboratives = IsNationalAdmin
            ? IdSet.Everything
            : IdSet.Of(grants.Where(g => g.Role == Role.Analyst && g.CollaborativeId is not null).Select(g => g.CollaborativeId!.Value));
        ReadsUnitLevelData = grants.Any(g => g.Role != Role.Commissioner);
        RollUpNetworks = IsNationalAdmin ? IdSet.Everything : NetworksOf(grants.Where(g => g.Role != Role.UnitMember));
        RollUpCollaboratives = IsNationalAdmin
            ? IdSet.Everything
            : IdSet.Of(grants.Where(g => g.Role is Role.Analyst or Role.Commissioner && g.CollaborativeId is not null).Select(g => g.CollaborativeId!.Value));
    }

    /// <summary>A network-admin with a national scope.</summary>
    public bool IsNationalAdmin { get; }

    /// <summary>A network-admin of any scope.</summary>
    public bool IsNetworkAdmin { get; }

    /// <summary>Networks whose units, keys, memberships and audit trail the caller administers.</summary>
    public IdSet AdministeredNetworks { get; }

    /// <summary>Networks whose drafts and unshared evidence the caller reviews (administrators and leads).</summary>
    public IdSet ReviewedNetworks { get; }

    /// <summary>Networks in which the caller is an involvement lead (never "all": a national admin is not a lead).</summary>
    public IdSet LedNetworks { get; }

    /// <summary>Units whose assessments the caller makes (never "all": a national admin is not a unit member).</summary>
    public IdSet MemberUnits { get; }

    /// <summary>Networks whose submitted results the caller reads: every grant reaches the network it names (a unit member's, its units' network).</summary>
    public IdSet ResultNetworks { get; }

    /// <summary>Provider collaboratives whose units' submitted results the caller reads (collaborative analysts).</summary>
    public IdSet ResultCollaboratives { get; }

    /// <summary>
    /// Whether any grant reads data about single units (results, drafts, the change feed): every role but commissioner.
    /// Endpoints that answer about single units require it, so a commissioner gets 403 there, whatever its scope.
    /// </summary>
    public bool ReadsUnitLevelData { get; }

    /// <summary>
    /// Networks whose roll-ups (commissioning summaries) the caller reads: its commissioners, administrators, leads and
    /// analysts. Unit members are not offered them: they compare their units through benchmarks.
    /// </summary>
    public IdSet RollUpNetworks { get; }

    /// <summary>Provider collaboratives whose roll-ups the caller reads: its commissioners and analysts.</summary>
    public IdSet RollUpCollaboratives { get; }

    // ---- Networks and units ---------------------------------------------------------------------------------------

    public bool AdministersNetwork(Guid networkId) => AdministeredNetworks.Contains(networkId);

    /// <summary>Creating, changing, moving or deactivating a unit: an administrator of its network.</summary>
    public bool AdministersUnit(UnitPlace unit) => AdministersNetwork(unit.NetworkId);

    /// <summary>Network-wide figures (insight): whoever reads the network's results; a collaborative analyst does not.</summary>
    public bool SeesNetworkResults(Guid networkId) => ResultNetworks.Contains(networkId);

    /// <summary>A unit's submitted results and benchmarks: its network's readers, and analysts of its collaborative.</summary>
    public bool SeesSubmittedResultsOf(UnitPlace unit) =>
        ResultNetworks.Contains(unit.NetworkId) || ResultCollaboratives.Contains(unit.CollaborativeId);

    /// <summary>A unit's drafts and its evidence that is not shared: its members, and its network's administrators and leads.</summary>
    public bool SeesDraftsOf(UnitPlace unit) => MemberUnits.Contains(unit.UnitId) || ReviewedNetworks.Contains(unit.NetworkId);

    /// <summary>Anything of the unit at all: its drafts or its submitted results.</summary>
    public bool SeesUnit(UnitPlace unit) => SeesDraftsOf(unit) || SeesSubmittedResultsOf(unit);

    // ---- Roll-ups (commissioning) ----------------------------------------------------------------------------------

    /// <summary>A network's roll-up: whoever reads roll-ups of the network.</summary>
    public bool SeesRollUpsOfNetwork(Guid networkId) => RollUpNetworks.Contains(networkId);

    /// <summary>
    /// A collaborative's roll-up: its commissioners and analysts, and those who read roll-ups of every network its
    /// units are in (at least one: a collaborative without units is seen by its own readers only).
    /// </summary>
    public bool SeesRollUpsOfCollaborative(Guid collaborativeId, IReadOnlyCollection<Guid> networksOfItsUnits) =>
        RollUpCollaboratives.Contains(collaborativeId) || RollUpNetworks.ContainsAll(networksOfItsUnits);

    /// <summary>
    /// Whether a unit's submissions count in the caller's roll-ups. A provider's summary is over its units in the
    /// caller's reach only: a collaborative's commissioner does not learn about the provider's units elsewhere.
    /// </summary>
    public bool RollsUp(UnitPlace unit) => RollUpNetworks.Contains(unit.NetworkId) || RollUpCollaboratives.Contains(unit.CollaborativeId);

    // ---- Assessments ----------------------------------------------------------------------------------------------

    /// <summary>Ratings, participants and evidence are changed by the unit's members only.</summary>
    public bool EditsAssessmentsOf(UnitPlace unit) => MemberUnits.Contains(unit.UnitId);

    /// <summary>Returning a submission with a question: an involvement lead of the unit's network.</summary>
    public bool ReturnsSubmissionsOf(UnitPlace unit) => LedNetworks.Contains(unit.NetworkId);

    /// <summary>Reopening a submission: an administrator of the unit's network.</summary>
    public bool ReopensSubmissionsOf(UnitPlace unit) => AdministersNetwork(unit.NetworkId);

    /// <summary>Those who see all of an assessment (the unit and its reviewers) may comment; analysts never write.</summary>
    public bool CommentsOn(UnitPlace unit) => SeesDraftsOf(unit);

    // ---- Families and carers (ADR 0029) ----------------------------------------------------------------------------

    /// <summary>Issuing or rotating a unit's share code: an administrator or involvement lead of its network.</summary>
    public bool IssuesShareCodesOf(UnitPlace unit) => AdministersNetwork(unit.NetworkId) || LedNetworks.Contains(unit.NetworkId);

    /// <summary>Approving or rejecting what families said, before anyone else sees it: an involvement lead of the unit's network.</summary>
    public bool ModeratesFamilyResponsesOf(UnitPlace unit) => LedNetworks.Contains(unit.NetworkId);

    /// <summary>The moderation queue, comments still pending included: the network's leads, and its administrators (read only).</summary>
    public bool SeesFamilyResponsesOf(UnitPlace unit) => ModeratesFamilyResponsesOf(unit) || AdministersNetwork(unit.NetworkId);

    /// <summary>How often families concur with a unit's ratings, approved comments included: the unit's members, its network's leads and administrators.</summary>
    public bool SeesFamilyConcurrenceOf(UnitPlace unit) => SeesDraftsOf(unit);

    // ---- Action plans and network priorities (ADR 0034) -----------------------------------------------------------

    /// <summary>A unit's actions (its plan): its members, and its network's leads and administrators; never analysts.</summary>
    public bool SeesActionsOf(UnitPlace unit) => SeesDraftsOf(unit);

    /// <summary>Making an action and moving its status: the unit's members (staff with the service user) and its network's leads.</summary>
    public bool PlansActionsOf(UnitPlace unit) => MemberUnits.Contains(unit.UnitId) || LedNetworks.Contains(unit.NetworkId);

    /// <summary>Commenting on an action: the involvement leads of the unit's network.</summary>
    public bool CommentsOnActionsOf(UnitPlace unit) => LedNetworks.Contains(unit.NetworkId);

    /// <summary>A network's priorities and their progress: whoever reads the network's results.</summary>
    public bool SeesPrioritiesOf(Guid networkId) => SeesNetworkResults(networkId);

    /// <summary>Setting, changing and closing a network's priorities, and linking its units' actions: its leads and administrators.</summary>
    public bool SetsPrioritiesOf(Guid networkId) => LedNetworks.Contains(networkId) || AdministersNetwork(networkId);

    // ---- What every network shares ------------------------------------------------------------------------------

    /// <summary>Draft framework versions are read by network administrators of any scope.</summary>
    public bool SeesDraftFrameworks => IsNetworkAdmin;

    /// <summary>Importing, replacing, deleting and activating framework versions: every network rates against them.</summary>
    public bool ChangesFramework => IsNationalAdmin;

    /// <summary>
    /// A provider's sector and name move the comparisons of every network its units are in: a network administrator
    /// changes it only while the provider's units all lie in networks it administers (or it has none yet — creating
    /// one is open to every network administrator, and nothing is compared until a unit uses it).
    /// </summary>
    public bool AdministersProvider(IReadOnlyCollection<Guid> networksOfItsUnits) =>
        IsNationalAdmin || (IsNetworkAdmin && (networksOfItsUnits.Count == 0 || AdministeredNetworks.ContainsAll(networksOfItsUnits)));

    /// <summary>Creating a provider: any network administrator (it has no units yet).</summary>
    public bool CreatesProviders => IsNetworkAdmin;

    /// <summary>
    /// Provider collaboratives commission care across networks, and any network's unit may join one: national only.
    /// </summary>
    public bool AdministersCollaboratives => IsNationalAdmin;

    /// <summary>
    /// Whether the caller's administration covers everything a body's units touch: the networks of all its units
    /// (at least one). Audit rows about a collaborative or provider are shown to such a caller.
    /// </summary>
    public bool CoversAllOf(IReadOnlyCollection<Guid> networksOfItsUnits) =>
        IsNationalAdmin || AdministeredNetworks.ContainsAll(networksOfItsUnits);

    // ---- Revising the framework together (ADR 0030) -------------------------------------------------------------

    /// <summary>Staff and service users (unit members), involvement leads and administrators comment on the framework; analysts never write.</summary>
    public bool CommentsOnFramework => IsNetworkAdmin || LedNetworks.Ids.Length > 0 || MemberUnits.Ids.Length > 0;

    /// <summary>A draft an administrator opened for comment is read by everyone who may comment on it.</summary>
    public bool SeesDraftsOpenForComment => CommentsOnFramework;

    /// <summary>
    /// A comment on the framework is read by its network's leads and administrators (a national administrator reads
    /// all) and by the members of the unit it came from; never by analysts or other networks.
    /// </summary>
    public bool SeesFrameworkComment(Guid? networkId, Guid? unitId) =>
        IsNationalAdmin || ReviewedNetworks.Contains(networkId) || MemberUnits.Contains(unitId);

    /// <summary>Declining a comment with a note: its network's leads and administrators, or a national administrator.</summary>
    public bool DeclinesFrameworkComment(Guid? networkId) => IsNationalAdmin || ReviewedNetworks.Contains(networkId);

    // ---- Buddying (ADR 0036) --------------------------------------------------------------------------------------

    /// <summary>
    /// A unit's buddy suggestions and pairings, and its network's pairings: whoever reads the network's results, as
    /// for best practice (a suggestion names units and shows only their shared evidence).
    /// </summary>
    public bool SeesBuddyingOf(Guid networkId) => SeesNetworkResults(networkId);

    /// <summary>Recording a buddy pairing for a unit, and its outcome: an involvement lead of the unit's network.</summary>
    public bool RecordsBuddyPairingsOf(UnitPlace unit) => LedNetworks.Contains(unit.NetworkId);

    // ---- Grants ---------------------------------------------------------------------------------------------------

    /// <summary>An administrator only hands out grants within its own reach; national and collaborative scopes need a national one.</summary>
    public bool MayGrant(Grant grant, Guid? grantNetworkId) =>
        IsNationalAdmin || (grant.Scope is ScopeKind.Network or ScopeKind.Units && grantNetworkId is { } network && AdministersNetwork(network));

    private static IdSet NetworksOf(IEnumerable<Grant> grants) =>
        IdSet.Of(grants.Where(g => g.NetworkId is not null).Select(g => g.NetworkId!.Value));
}
