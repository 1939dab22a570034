using System.Globalization;
using System.Reflection;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.OpenApi;
using SeQuIn.Api.Assessments;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace SeQuIn.Api.Common;

/// <summary>
/// The contract states the limits the FluentValidation rules enforce — lengths, bounds, patterns, months — read from
/// the validators themselves, so that a rule is written once and the contract cannot drift from it. Applied to the
/// schemas of request records and to the query parameters of [AsParameters] records that have a validator.
/// Other <c>month</c> members (answers') get the YYYY-MM shape (the suite's response check holds them to it).
/// </summary>
internal sealed class ValidationContract(IServiceProvider services) : ISchemaFilter, IOperationFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema { Properties.Count: > 0 } concrete)
        {
            return;
        }
        var rules = Rules(context.Type);
        foreach (var (name, property) in concrete.Properties!)
        {
            if (property is not OpenApiSchema member)
            {
                continue;
            }
            Describe(rules, name, member);
            if (name == "month" && member.Type?.HasFlag(JsonSchemaType.String) == true && member.Pattern is null)
            {
                member.Pattern = Months.AnswerPattern;
            }
        }
    }

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var rules = context.MethodInfo.GetParameters()
            .Where(p => p.GetCustomAttribute<AsParametersAttribute>() is not null)
            .SelectMany(p => Rules(p.ParameterType))
            .ToList();
        foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>().Where(p => p.In == ParameterLocation.Query))
        {
            if (parameter.Schema is OpenApiSchema schema)
            {
                Describe(rules, parameter.Name!, schema);
            }
        }
    }

    private IReadOnlyList<IValidationRule> Rules(Type type) =>
        services.GetService(typeof(IValidator<>).MakeGenericType(type)) is IValidator validator
            ? validator.CreateDescriptor().Rules.ToList()
            : [];

    private static void Describe(IEnumerable<IValidationRule> rules, string member, OpenApiSchema schema)
    {
        var checks = rules
            .Where(r => string.Equals(r.PropertyName, member, StringComparison.OrdinalIgnoreCase))
            .SelectMany(r => r.Components)
            // A rule that runs only under a condition does not bound every value.
            .Where(c => !c.HasCondition && !c.HasAsyncCondition)
            .Select(c => c.Validator);
        foreach (var check in checks)
        {
            switch (check)
            {
                case IMonthValidator:
                    schema.Pattern = Months.Pattern;
                    break;
                case IRegularExpressionValidator { Expression: { } expression }:
                    schema.Pattern = expression;
                    break;
                case ILengthValidator length:
                    if (length.Max is > 0 and < int.MaxValue)
                    {
                        schema.MaxLength = length.Max;
                    }
                    if (length.Min > 0)
                    {
                        schema.MinLength = length.Min;
                    }
                    break;
                case INotEmptyValidator when schema.Type?.HasFlag(JsonSchemaType.String) == true:
                    schema.MinLength ??= 1;
                    break;
                case IBetweenValidator { From: IConvertible from, To: IConvertible to } between when between.Name == "InclusiveBetweenValidator":
                    schema.Minimum = from.ToString(CultureInfo.InvariantCulture);
                    schema.Maximum = to.ToString(CultureInfo.InvariantCulture);
                    break;
                case IComparisonValidator { Comparison: Comparison.GreaterThanOrEqual, ValueToCompare: IConvertible minimum }:
                    schema.Minimum = minimum.ToString(CultureInfo.InvariantCulture);
                    break;
                case IComparisonValidator { Comparison: Comparison.LessThanOrEqual, ValueToCompare: IConvertible maximum }:
                    schema.Maximum = maximum.ToString(CultureInfo.InvariantCulture);
                    break;
            }
        }
    }
}
