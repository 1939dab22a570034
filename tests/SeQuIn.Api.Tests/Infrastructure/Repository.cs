namespace SeQuIn.Api.Tests.Infrastructure;

internal static class Repository
{
    /// <summary>The checkout's root folder (the one holding SeQuIn.sln).</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SeQuIn.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run the tests from within the repository: SeQuIn.sln was not found above " + AppContext.BaseDirectory);
    }
}
