namespace SeQuIn.Api.Benchmarks;

/// <summary>
/// An area's two figures (ADR 0032): the mean of its applicable standard ratings, computed, and the overall rating its
/// participants agreed. Both are read from <c>area_results</c>; the mean's percentage is stored there, the agreed
/// rating's is worked out here (or in SQL, <see cref="BenchmarkReads"/>) on the same 0–100 basis.
/// </summary>
public static class AreaFigures
{
    /// <summary>The rows that have the figure (an assessment need not record an agreed rating, nor have an applicable standard).</summary>
    public static IQueryable<AreaResultRow> Of(IQueryable<AreaResultRow> rows, AreaFigure figure) =>
        figure == AreaFigure.Agreed ? rows.Where(r => r.AgreedRating != null) : rows.Where(r => r.Mean != null);

    /// <summary>
    /// A rating as a percentage of its version's scale, 0 at the lowest point and 100 at the highest, to 1 decimal
    /// (half away from zero, as PostgreSQL rounds the stored percentages); null without a rating or a scale.
    /// </summary>
    public static decimal? Percentage(int? rating, FrameworkShape? scale) =>
        rating is { } r && scale is { } s && s.Max != s.Min
            ? Math.Round((r - s.Min) * 100m / (s.Max - s.Min), 1, MidpointRounding.AwayFromZero)
            : null;
}
