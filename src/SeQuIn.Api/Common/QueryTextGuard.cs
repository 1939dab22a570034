namespace SeQuIn.Api.Common;

/// <summary>
/// Refuses a query string holding a NUL character (<c>%00</c>) with a 400 naming the parameter, before any
/// endpoint runs: PostgreSQL cannot compare text with U+0000, and no filter, code or month ever holds one.
/// </summary>
public sealed class QueryTextGuard(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        if (!context.Request.QueryString.HasValue)
        {
            return next(context);
        }
        foreach (var (name, values) in context.Request.Query)
        {
            if (name.Contains('\0') || values.Any(v => v?.Contains('\0') == true))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                var field = name.Replace("\0", "", StringComparison.Ordinal);
                return problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]>
                    {
                        [field] = [$"'{field}' must not contain control characters such as NUL (%00)."],
                    })
                    {
                        Status = 400,
                        Title = "One or more validation errors occurred.",
                        Type = ApiProblems.TypeFor(400),
                    },
                }).AsTask();
            }
        }
        return next(context);
    }
}
