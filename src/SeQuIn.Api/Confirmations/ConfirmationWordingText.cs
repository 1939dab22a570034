namespace SeQuIn.Api.Confirmations;

/// <summary>The easy-read words of the confirmation page: data, served as they are (GET /api/v1/confirmations/wording).</summary>
public static class ConfirmationWordingText
{
    public static readonly ConfirmationWording English = new(
        Title: "Do you agree with this rating?",
        Introduction: "You and the staff talked about how things are on your ward. This is the rating you gave together. " +
            "Only you can say if you agree. Staff cannot answer for you.",
        Agree: "Yes — this is what we agreed together",
        Disagree: "No — I do not agree",
        ReasonPrompt: "Please tell us why you do not agree.",
        ReasonHint: "Use your own words. Do not write anyone's name, date of birth or NHS number.",
        NotApplicable: "This did not apply on our ward",
        Thanks: "Thank you. Your answer has been saved.",
        CodeNotRecognised: "This code does not work. It may be typed wrong, used already or too old. Ask staff for a new code.");
}
