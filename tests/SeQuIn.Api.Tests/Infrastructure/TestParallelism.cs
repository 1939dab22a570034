using SeQuIn.Api.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

// Up to four test collections at once, the three HTTP ones first (see SeQuInApiFixture for which class runs where).
// xunit's default is one collection per core: on a 2-core machine the HTTP collections would wait for each other.
[assembly: CollectionBehavior(MaxParallelThreads = 4)]
[assembly: TestCollectionOrderer("SeQuIn.Api.Tests.Infrastructure.HttpCollectionsFirst", "SeQuIn.Api.Tests")]

namespace SeQuIn.Api.Tests.Infrastructure;

/// <summary>
/// Starts the three HTTP collections before the others: they take minutes, and xunit starts a collection only when
/// one of its four slots is free, so one started last would end last. The other collections (a class each: the unit
/// tests, and OutageTests and ReplicaTests on clusters of their own) take seconds and share the fourth slot.
/// </summary>
public sealed class HttpCollectionsFirst : ITestCollectionOrderer
{
    private static readonly string[] First = [SweepingApiCollection.Name, ApiCollection.Name, WaitingApiCollection.Name];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections
            .OrderBy(c => Array.IndexOf(First, c.DisplayName) is var i and >= 0 ? i : First.Length)
            .ThenBy(c => c.DisplayName, StringComparer.Ordinal);
}
