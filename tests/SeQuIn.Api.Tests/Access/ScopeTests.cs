using SeQuIn.Api.Access;

namespace SeQuIn.Api.Tests.Access;

/// <summary>
/// The scope rules as sentences, each asked of every role and scope kind. Expectations are one letter per persona in
/// <see cref="Personas"/> order: Y yes, N no. Network A holds units A1 (in collaborative C) and A2; network B holds
/// B1 (in collaborative C) and B2 (in collaborative D). The member is a member of A1; the collaborative analyst's and
/// the collaborative commissioner's is C.
/// </summary>
public sealed class ScopeTests
{
    private static readonly Guid NetworkA = Guid.NewGuid(), NetworkB = Guid.NewGuid(), CollaborativeC = Guid.NewGuid(), CollaborativeD = Guid.NewGuid();
    private static readonly UnitPlace A1 = new(Guid.NewGuid(), NetworkA, CollaborativeC);
    private static readonly UnitPlace A2 = new(Guid.NewGuid(), NetworkA, null);
    private static readonly UnitPlace B1 = new(Guid.NewGuid(), NetworkB, CollaborativeC);
    private static readonly UnitPlace B2 = new(Guid.NewGuid(), NetworkB, CollaborativeD);

    //                                   national  admin-a  lead-a  member-a1  analyst-a  analyst-c  nobody  commissioner-a  commissioner-c
    private static readonly (string Name, Scope Scope)[] Personas =
    [
        ("national admin", Of(new Grant(Role.NetworkAdmin, ScopeKind.National, null, null, []))),
        ("network admin of A", Of(new Grant(Role.NetworkAdmin, ScopeKind.Network, NetworkA, null, []))),
        ("involvement lead of A", Of(new Grant(Role.InvolvementLead, ScopeKind.Network, NetworkA, null, []))),
        ("member of unit A1", Of(new Grant(Role.UnitMember, ScopeKind.Units, NetworkA, null, [A1.UnitId]))),
        ("analyst of network A", Of(new Grant(Role.Analyst, ScopeKind.Network, NetworkA, null, []))),
        ("analyst of collaborative C", Of(new Grant(Role.Analyst, ScopeKind.Collaborative, null, CollaborativeC, []))),
        ("caller without grants", Of()),
        ("commissioner of network A", Of(new Grant(Role.Commissioner, ScopeKind.Network, NetworkA, null, []))),
        ("commissioner of collaborative C", Of(new Grant(Role.Commissioner, ScopeKind.Collaborative, null, CollaborativeC, []))),
    ];

    private static Scope Of(params Grant[] grants) => new(grants);

    private static void Expect(string expectations, Func<Scope, bool> question)
    {
        var expected = expectations.Split(' ');
        Assert.Equal(Personas.Length, expected.Length);
        var wrong = Personas.Select((p, i) => (p.Name, Expected: expected[i] == "Y", Actual: question(p.Scope)))
            .Where(r => r.Expected != r.Actual).Select(r => $"{r.Name}: expected {r.Expected}, got {r.Actual}").ToList();
        Assert.True(wrong.Count == 0, string.Join("; ", wrong));
    }

    [Fact]
    public void Only_a_national_admin_and_the_networks_own_admin_administer_a_network_and_its_units()
    {
        Expect("Y Y N N N N N N N", s => s.AdministersNetwork(NetworkA));
        Expect("Y N N N N N N N N", s => s.AdministersNetwork(NetworkB));
        Expect("Y Y N N N N N N N", s => s.AdministersUnit(A2));
        Expect("Y N N N N N N N N", s => s.AdministersUnit(B1));
    }

    [Fact]
    public void A_units_submitted_results_are_read_across_its_network_and_by_analysts_of_its_collaborative()
    {
        Expect("Y Y Y Y Y Y N N N", s => s.SeesSubmittedResultsOf(A1));
        Expect("Y Y Y Y Y N N N N", s => s.SeesSubmittedResultsOf(A2));
        Expect("Y N N N N Y N N N", s => s.SeesSubmittedResultsOf(B1));
        Expect("Y N N N N N N N N", s => s.SeesSubmittedResultsOf(B2));
    }

    [Fact]
    public void Network_wide_figures_are_read_by_the_networks_readers_and_not_by_a_collaborative_analyst()
    {
        Expect("Y Y Y Y Y N N N N", s => s.SeesNetworkResults(NetworkA));
        Expect("Y N N N N N N N N", s => s.SeesNetworkResults(NetworkB));
    }

    [Fact]
    public void Drafts_and_unshared_evidence_are_seen_by_the_unit_and_its_networks_reviewers_only()
    {
        Expect("Y Y Y Y N N N N N", s => s.SeesDraftsOf(A1));
        Expect("Y Y Y N N N N N N", s => s.SeesDraftsOf(A2));
        Expect("Y N N N N N N N N", s => s.SeesDraftsOf(B1));
        Expect("Y Y Y Y N N N N N", s => s.CommentsOn(A1));
        Expect("Y N N N N N N N N", s => s.CommentsOn(B1));
    }

    [Fact]
    public void A_unit_is_seen_at_all_by_whoever_sees_its_drafts_or_its_results()
    {
        Expect("Y Y Y Y Y Y N N N", s => s.SeesUnit(A1));
        Expect("Y N N N N Y N N N", s => s.SeesUnit(B1));
        Expect("Y N N N N N N N N", s => s.SeesUnit(B2));
    }

    [Fact]
    public void Only_the_units_members_edit_its_assessments_not_even_a_national_admin()
    {
        Expect("N N N Y N N N N N", s => s.EditsAssessmentsOf(A1));
        Expect("N N N N N N N N N", s => s.EditsAssessmentsOf(A2));
    }

    [Fact]
    public void A_lead_of_the_network_returns_a_submission_and_an_admin_of_the_network_reopens_one()
    {
        Expect("N N Y N N N N N N", s => s.ReturnsSubmissionsOf(A1));
        Expect("N N N N N N N N N", s => s.ReturnsSubmissionsOf(B1));
        Expect("Y Y N N N N N N N", s => s.ReopensSubmissionsOf(A1));
        Expect("Y N N N N N N N N", s => s.ReopensSubmissionsOf(B1));
    }

    [Fact]
    public void Only_a_national_admin_changes_the_framework_though_every_admin_reads_its_drafts()
    {
        Expect("Y N N N N N N N N", s => s.ChangesFramework);
        Expect("Y Y N N N N N N N", s => s.SeesDraftFrameworks);
    }

    [Fact]
    public void A_provider_is_changed_only_by_a_scope_that_covers_every_network_its_units_are_in()
    {
        Expect("Y Y N N N N N N N", s => s.CreatesProviders);
        Expect("Y Y N N N N N N N", s => s.AdministersProvider([]));
        Expect("Y Y N N N N N N N", s => s.AdministersProvider([NetworkA]));
        Expect("Y N N N N N N N N", s => s.AdministersProvider([NetworkB]));
        Expect("Y N N N N N N N N", s => s.AdministersProvider([NetworkA, NetworkB]));
    }

    [Fact]
    public void An_admin_of_every_network_a_provider_spans_may_change_it()
    {
        var both = Of(new Grant(Role.NetworkAdmin, ScopeKind.Network, NetworkA, null, []), new Grant(Role.NetworkAdmin, ScopeKind.Network, NetworkB, null, []));

        Assert.True(both.AdministersProvider([NetworkA, NetworkB]));
        Assert.True(both.CoversAllOf([NetworkA, NetworkB]));
        Assert.False(both.IsNationalAdmin);
        Assert.False(both.AdministersCollaboratives);
    }

    [Fact]
    public void Only_a_national_admin_administers_provider_collaboratives()
    {
        Expect("Y N N N N N N N N", s => s.AdministersCollaboratives);
    }

    [Fact]
    public void A_body_is_covered_only_when_all_its_units_networks_are_administered_and_it_has_some()
    {
        Expect("Y Y N N N N N N N", s => s.CoversAllOf([NetworkA]));
        Expect("Y N N N N N N N N", s => s.CoversAllOf([NetworkA, NetworkB]));
        Expect("Y N N N N N N N N", s => s.CoversAllOf([]));
    }

    [Fact]
    public void An_admin_grants_only_network_and_unit_scopes_within_its_networks()
    {
        var analystOfA = new Grant(Role.Analyst, ScopeKind.Network, NetworkA, null, []);
        var membersOfA = new Grant(Role.UnitMember, ScopeKind.Units, NetworkA, null, [A1.UnitId]);
        var analystOfB = new Grant(Role.Analyst, ScopeKind.Network, NetworkB, null, []);
        var analystOfC = new Grant(Role.Analyst, ScopeKind.Collaborative, null, CollaborativeC, []);
        var national = new Grant(Role.NetworkAdmin, ScopeKind.National, null, null, []);

        Expect("Y Y N N N N N N N", s => s.MayGrant(analystOfA, NetworkA));
        Expect("Y Y N N N N N N N", s => s.MayGrant(membersOfA, NetworkA));
        Expect("Y N N N N N N N N", s => s.MayGrant(analystOfB, NetworkB));
        Expect("Y N N N N N N N N", s => s.MayGrant(analystOfC, null));
        Expect("Y N N N N N N N N", s => s.MayGrant(national, null));
    }

    [Fact]
    public void Commissioners_read_nothing_about_single_units_whatever_their_scope()
    {
        Expect("Y Y Y Y Y Y N N N", s => s.ReadsUnitLevelData);
        Assert.Empty(Personas[^2].Scope.ResultNetworks.Ids);
        Assert.Empty(Personas[^1].Scope.ResultCollaboratives.Ids);
        // A commissioner who is also an analyst reads what the analyst reads.
        Assert.True(Of(new Grant(Role.Commissioner, ScopeKind.Network, NetworkA, null, []), new Grant(Role.Analyst, ScopeKind.Network, NetworkB, null, [])).ReadsUnitLevelData);
    }

    [Fact]
    public void A_networks_roll_ups_are_read_by_its_commissioners_admins_leads_and_analysts_not_by_unit_members()
    {
        Expect("Y Y Y N Y N N Y N", s => s.SeesRollUpsOfNetwork(NetworkA));
        Expect("Y N N N N N N N N", s => s.SeesRollUpsOfNetwork(NetworkB));
    }

    [Fact]
    public void A_collaboratives_roll_ups_are_read_by_its_own_readers_and_by_readers_of_every_network_its_units_are_in()
    {
        Expect("Y N N N N Y N N Y", s => s.SeesRollUpsOfCollaborative(CollaborativeC, [NetworkA, NetworkB]));
        Expect("Y Y Y N Y Y N Y Y", s => s.SeesRollUpsOfCollaborative(CollaborativeC, [NetworkA]));
        Expect("Y N N N N N N N N", s => s.SeesRollUpsOfCollaborative(CollaborativeD, [NetworkB]));
        Expect("Y N N N N N N N N", s => s.SeesRollUpsOfCollaborative(CollaborativeD, []));
    }

    [Fact]
    public void A_unit_counts_in_the_roll_ups_of_its_networks_and_its_collaboratives_readers()
    {
        Expect("Y Y Y N Y Y N Y Y", s => s.RollsUp(A1));
        Expect("Y Y Y N Y N N Y N", s => s.RollsUp(A2));
        Expect("Y N N N N Y N N Y", s => s.RollsUp(B1));
        Expect("Y N N N N N N N N", s => s.RollsUp(B2));
    }

    [Fact]
    public void A_network_commissioner_is_granted_by_the_networks_admin_and_a_collaborative_one_only_nationally()
    {
        Expect("Y Y N N N N N N N", s => s.MayGrant(new Grant(Role.Commissioner, ScopeKind.Network, NetworkA, null, []), NetworkA));
        Expect("Y N N N N N N N N", s => s.MayGrant(new Grant(Role.Commissioner, ScopeKind.Collaborative, null, CollaborativeC, []), null));
    }

    [Fact]
    public void The_sets_a_query_filters_on_say_all_only_for_a_national_admin()
    {
        var national = Personas[0].Scope;
        var admin = Personas[1].Scope;
        var member = Personas[3].Scope;
        var collaborativeAnalyst = Personas[5].Scope;

        Assert.True(national.AdministeredNetworks.All && national.ResultNetworks.All && national.ReviewedNetworks.All && national.ResultCollaboratives.All);
        Assert.False(national.MemberUnits.All);
        Assert.Equal([NetworkA], admin.AdministeredNetworks.Ids);
        Assert.Equal([NetworkA], member.ResultNetworks.Ids);
        Assert.Equal([A1.UnitId], member.MemberUnits.Ids);
        Assert.Empty(member.ReviewedNetworks.Ids);
        Assert.Empty(collaborativeAnalyst.ResultNetworks.Ids);
        Assert.Equal([CollaborativeC], collaborativeAnalyst.ResultCollaboratives.Ids);
    }
}
