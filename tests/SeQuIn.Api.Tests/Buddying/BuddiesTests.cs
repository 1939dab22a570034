using CsCheck;
using SeQuIn.Api.Buddying;

namespace SeQuIn.Api.Tests.Buddying;

/// <summary>The pure rules of buddying: sustained, ranked, paired, before and after.</summary>
public sealed class BuddiesTests
{
    private static readonly DateOnly June = new(2026, 6, 1);

    private static MonthRating[] Rated(params (int MonthsBack, decimal Value)[] ratings) =>
        ratings.Select(r => new MonthRating(June.AddMonths(-r.MonthsBack), r.Value)).ToArray();

    [Fact]
    public void A_unit_is_sustained_when_enough_months_of_the_window_are_rated_high()
    {
        var ratings = Rated((0, 4), (1, 3), (2, 2), (3, 3), (4, 3), (6, 4));

        var consistency = Buddies.Sustained(ratings, June, months: 6, atLeast: 4, highAt: 3);

        Assert.Equal(new Consistency(4, 5, 3m, June), consistency);
        Assert.Null(Buddies.Sustained(ratings, June, months: 6, atLeast: 5, highAt: 3));
        Assert.Null(Buddies.Sustained(ratings, June, months: 3, atLeast: 3, highAt: 3));
    }

    [Fact]
    public void Months_without_a_submission_count_as_not_high_and_a_month_counts_once()
    {
        var ratings = Rated((0, 4), (0, 1), (5, 4));

        Assert.Equal(new Consistency(2, 2, 4m, June), Buddies.Sustained(ratings, June, 6, 2, 3));
        Assert.Null(Buddies.Sustained(ratings, June, 6, 3, 3));
    }

    [Fact]
    public void Candidates_rank_by_months_high_then_months_rated_then_mean_then_recency_then_code()
    {
        var candidates = new (string Code, Consistency C)[]
        {
            ("E", new Consistency(4, 6, 3.5m, June)),
            ("D", new Consistency(4, 6, 3.5m, June.AddMonths(-1))),
            ("C", new Consistency(4, 6, 3.6m, June.AddMonths(-2))),
            ("B", new Consistency(4, 5, 4m, June)),
            ("A", new Consistency(5, 5, 3m, June.AddMonths(-3))),
            ("F", new Consistency(4, 6, 3.5m, June)),
        };

        var ranked = Buddies.Rank(candidates, c => c.C, c => c.Code);

        Assert.Equal(["A", "C", "E", "F", "D", "B"], ranked.Select(c => c.Code));
    }

    [Fact]
    public void Ranking_is_a_function_of_the_candidates_not_of_their_order()
    {
        var consistency = Gen.Select(Gen.Int[1, 6], Gen.Int[0, 6], Gen.Int[0, 40], Gen.Int[0, 5],
            (high, extra, mean, back) => new Consistency(high, high + extra, mean / 10m, June.AddMonths(-back)));
        var candidate = Gen.Select(Gen.String["ABCDEFGH"], consistency, (code, c) => (Code: code, C: c));
        candidate.Array[0, 12].Where(a => a.Select(c => c.Code).Distinct().Count() == a.Length).Sample(candidates =>
        {
            var ranked = Buddies.Rank(candidates, c => c.C, c => c.Code);
            var shuffled = Buddies.Rank(candidates.Reverse().ToArray(), c => c.C, c => c.Code);
            Assert.Equal(ranked, shuffled);
            Assert.True(ranked.Zip(ranked.Skip(1)).All(p => p.First.C.MonthsHigh >= p.Second.C.MonthsHigh));
        });
    }

    [Fact]
    public void Before_and_after_leave_out_the_started_month_and_improve_only_when_after_is_higher()
    {
        var compared = Buddies.Compare(Rated((6, 1), (5, 1), (4, 2), (3, 4), (2, 3), (1, 3), (0, 2)), June.AddMonths(-3));

        Assert.Equal(new BeforeAndAfter(June.AddMonths(-6), June.AddMonths(-4), 1.33m, 3, June.AddMonths(-2), June, 2.67m, 3, true), compared);
        Assert.False(Buddies.Compare(Rated((2, 3), (0, 3)), June.AddMonths(-1)).Improved);
        Assert.Null(Buddies.Compare(Rated((0, 3)), June.AddMonths(-1)).Improved);
        Assert.Null(Buddies.Compare(Rated((2, 3)), June.AddMonths(-1)).Improved);
    }

    [Fact]
    public void Improvement_means_the_mean_after_is_above_the_mean_before()
    {
        Gen.Select(Gen.Int[0, 4].Array[1, 3], Gen.Int[0, 4].Array[1, 3]).Sample((before, after) =>
        {
            var ratings = before.Select((v, i) => new MonthRating(June.AddMonths(-1 - i), v))
                .Concat(after.Select((v, i) => new MonthRating(June.AddMonths(1 + i), v)));
            var compared = Buddies.Compare(ratings, June);
            Assert.Equal(Math.Round((decimal)after.Average(), 2, MidpointRounding.AwayFromZero) > Math.Round((decimal)before.Average(), 2, MidpointRounding.AwayFromZero),
                compared.Improved);
        });
    }

    [Theory]
    [InlineData(true, false, false, true)]
    [InlineData(false, false, false, false)]
    [InlineData(false, true, false, false)]
    [InlineData(false, false, true, false)]
    [InlineData(false, true, true, true)]
    public void Units_pair_within_a_network_or_across_two_that_both_offer_buddies_nationally(bool sameNetwork, bool unitOffers, bool buddyOffers, bool pairs)
    {
        var network = Guid.NewGuid();
        Assert.Equal(pairs, Buddies.MayPair(network, unitOffers, sameNetwork ? network : Guid.NewGuid(), buddyOffers));
    }
}
