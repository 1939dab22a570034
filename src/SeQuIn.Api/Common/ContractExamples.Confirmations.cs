using SeQuIn.Api.Confirmations;

namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    private const string ConfirmationCodeExample = "K7PM-3XQ2";

    private static IEnumerable<(Type Type, object Example)> Confirmations() =>
    [
        (typeof(IssuedCode), new IssuedCode(ConfirmationCodeExample, Created.AddMinutes(30))),
        (typeof(CodeRequest), new CodeRequest(ConfirmationCodeExample)),
        (typeof(ConfirmationRequest), new ConfirmationRequest(ConfirmationCodeExample, ConfirmationDecision.Disagree,
            "We said the community meeting happens every week but it was cancelled twice this month.")),
        (typeof(ConfirmationWording), ConfirmationWordingText.English),
        (typeof(ConfirmationLookup), new ConfirmationLookup("Ash Ward", new EasyReadArea("INV", "Having a say", "How you take part in decisions about the ward."),
            Month, "October 2026", new EasyReadRating(3, "Good"),
            [new EasyReadStandard("INV-01", "There is a community meeting every week.", new EasyReadRating(3, "Good"), false),
             new EasyReadStandard("INV-02", "You can go to meetings about the hospital.", new EasyReadRating(2, "OK"), false)],
            ConfirmationWordingText.English, Created.AddMinutes(30))),
        (typeof(ConfirmationReceipt), new ConfirmationReceipt(ConfirmationDecision.Disagree, Created.AddMinutes(12), ConfirmationWordingText.English.Thanks)),
    ];
}
