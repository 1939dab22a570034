using Hl7.Fhir.Model;
using SeQuIn.Api.Fhir;

namespace SeQuIn.Api.Tests.Fhir;

/// <summary>The offline validator can fail: a broken resource is caught, a sound one passes.</summary>
public sealed class FhirValidationTests
{
    [Fact]
    public void The_validator_catches_a_questionnaire_without_status_and_an_item_without_link_id()
    {
        var broken = new Questionnaire
        {
            Url = FhirNames.QuestionnaireUrl,
            Item = [new Questionnaire.ItemComponent { Type = Questionnaire.QuestionnaireItemType.Choice, Text = "No linkId" }],
        };

        var errors = FhirValidation.Errors(broken);

        Assert.Contains(errors, e => e.Contains("status", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(errors, e => e.Contains("linkId", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_validator_catches_a_code_outside_a_required_value_set()
    {
        var broken = new Bundle { TypeElement = new Code<Bundle.BundleType>() { JsonValue = "pile" } };

        Assert.NotEmpty(FhirValidation.Errors(broken));
    }

    [Fact]
    public void A_sound_organization_passes()
    {
        FhirValidation.AssertValid(new Organization
        {
            Id = Guid.NewGuid().ToString("D"),
            Identifier = [new Identifier(FhirNames.UnitCodeSystem, "RIDGE-MSU")],
            Name = "Ridgeview Medium Secure Unit",
            Active = true,
        });
    }
}
