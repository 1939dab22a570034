using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using SeQuIn.Api.Common;

namespace SeQuIn.Api.Access;

/// <summary>Says why a signed-in caller is refused (403), in problem+json; everything else as the framework does it.</summary>
public sealed class ProblemAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var caller = Caller.From(context.User);
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = ApiProblems.Create(403, "Forbidden", caller.Grants.Count == 0
                    ? "You are signed in but hold no SeQuIn role: ask a network administrator for a membership."
                    : "Your role does not allow this."),
            });
            return;
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
