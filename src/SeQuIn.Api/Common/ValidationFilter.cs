using System.Text.Json;
using FluentValidation;
using FluentValidation.Results;

namespace SeQuIn.Api.Common;

/// <summary>
/// Runs the FluentValidation validator of every handler argument that has one, before the handler, and answers
/// 400 with field names written as the client wrote them (camelCase JSON paths such as <c>areas[0].code</c>).
/// FluentValidation.AspNetCore's automatic validation only serves MVC; see docs/decisions/0002.
/// </summary>
public static class ValidationFilter
{
    public static TBuilder WithValidation<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilterFactory(static (factoryContext, next) =>
        {
            var services = factoryContext.ApplicationServices;
            var validated = factoryContext.MethodInfo.GetParameters()
                .Select((parameter, index) => (Index: index,
                    ValidatorType: typeof(IValidator<>).MakeGenericType(parameter.ParameterType)))
                .Where(p => services.GetService(p.ValidatorType) is not null)
                .ToArray();
            var isService = services.GetRequiredService<IServiceProviderIsService>();
            var shaped = factoryContext.MethodInfo.GetParameters()
                .Select((parameter, index) => (Parameter: parameter, Index: index))
                .Where(p => InputShape.IsContract(p.Parameter.ParameterType) && !isService.IsService(p.Parameter.ParameterType))
                .Select(p => p.Index)
                .ToArray();
            if (validated.Length == 0 && shaped.Length == 0)
            {
                return next;
            }

            return async invocationContext =>
            {
                // Nulls inside lists and NUL characters first: validators are written for well-formed items.
                var failures = shaped.Select(i => invocationContext.Arguments[i])
                    .SelectMany(a => a is null ? [] : InputShape.Check(a)).ToList();
                if (failures.Count > 0)
                {
                    return TypedResults.ValidationProblem(ToDictionary(failures));
                }
                foreach (var (index, validatorType) in validated)
                {
                    if (invocationContext.Arguments[index] is not { } argument)
                    {
                        continue;
                    }
                    var validator = (IValidator)invocationContext.HttpContext.RequestServices.GetRequiredService(validatorType);
                    var result = await validator.ValidateAsync(new ValidationContext<object>(argument),
                        invocationContext.HttpContext.RequestAborted);
                    failures.AddRange(result.Errors);
                }
                if (failures.Count == 0)
                {
                    return await next(invocationContext);
                }
                // Text that carries a personal identifier is well-formed but unacceptable: 422, not 400.
                return failures.Any(f => f.ErrorCode == Assessments.ScreeningRules.ErrorCode)
                    ? new UnprocessableProblem(ApiProblems.Unprocessable(ToDictionary(failures)))
                    : TypedResults.ValidationProblem(ToDictionary(failures));
            };
        });
        return builder;
    }

    public static Dictionary<string, string[]> ToDictionary(IEnumerable<ValidationFailure> failures) =>
        failures
            .GroupBy(f => FieldName(f.PropertyName))
            .ToDictionary(g => g.Key, g => g.Select(f => f.ErrorMessage).Distinct().ToArray());

    /// <summary>"Areas[0].Standards[1].Code" becomes "areas[0].standards[1].code".</summary>
    public static string FieldName(string propertyPath) =>
        string.IsNullOrEmpty(propertyPath)
            ? JsonErrorTranslator.BodyField
            : string.Join('.', propertyPath.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
}
