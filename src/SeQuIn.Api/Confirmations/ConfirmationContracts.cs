namespace SeQuIn.Api.Confirmations;

// ---- Requests -------------------------------------------------------------------------------------------------

/// <summary>A confirmation code as the service user typed it.</summary>
/// <param name="Code">The 8-character code, e.g. K7PM-3XQ2; case, spaces and dashes do not matter.</param>
public sealed record CodeRequest(string Code);

/// <summary>What the service user decides about the assessment the code was issued for.</summary>
/// <param name="Code">The 8-character code, e.g. K7PM-3XQ2; case, spaces and dashes do not matter.</param>
/// <param name="Decision">agree: this is what we agreed together; disagree: I do not agree (a reason is then needed).</param>
/// <param name="Reason">Why you do not agree, in your own words (at most 500 characters, no names). Needed to disagree; must be left out to agree.</param>
public sealed record ConfirmationRequest(string Code, ConfirmationDecision Decision, string? Reason = null);

public enum ConfirmationDecision
{
    /// <summary>This is what we agreed together.</summary>
    Agree,
    /// <summary>I do not agree.</summary>
    Disagree,
}

// ---- Responses ------------------------------------------------------------------------------------------------

/// <summary>A new confirmation code, shown once: give it to the service-user participant.</summary>
/// <param name="Code">The code, grouped for reading out, e.g. K7PM-3XQ2. SeQuIn keeps only a keyed hash of it.</param>
/// <param name="ExpiresAt">After this the code no longer works; issue a new one.</param>
public sealed record IssuedCode(string Code, DateTimeOffset ExpiresAt);

/// <summary>What the service user is asked to confirm, in easy-read words.</summary>
/// <param name="UnitName">The ward or unit.</param>
/// <param name="Area">The area that was rated.</param>
/// <param name="Month">The month rated, YYYY-MM.</param>
/// <param name="MonthText">The month in words, e.g. October 2026.</param>
/// <param name="AgreedRating">The overall rating agreed together.</param>
/// <param name="Standards">Each standard of the area with the value agreed for it.</param>
/// <param name="Wording">The words to show around it: the question, the two choices and the prompt for a reason.</param>
/// <param name="ExpiresAt">When the code stops working.</param>
public sealed record ConfirmationLookup(string UnitName, EasyReadArea Area, string Month, string MonthText, EasyReadRating AgreedRating,
    IReadOnlyList<EasyReadStandard> Standards, ConfirmationWording Wording, DateTimeOffset ExpiresAt);

/// <param name="Code">The area's code, e.g. INV.</param>
/// <param name="Name">The area's easy-read name.</param>
/// <param name="Text">The area's easy-read description.</param>
public sealed record EasyReadArea(string Code, string Name, string Text);

/// <param name="Value">The point on the scale.</param>
/// <param name="Label">The scale point's easy-read label.</param>
public sealed record EasyReadRating(int Value, string Label);

/// <param name="Code">The standard's code, e.g. INV-01.</param>
/// <param name="Text">The standard's easy-read statement.</param>
/// <param name="Rating">The value agreed for it; null when it did not apply here.</param>
/// <param name="NotApplicable">The standard did not apply on this ward.</param>
public sealed record EasyReadStandard(string Code, string Text, EasyReadRating? Rating, bool NotApplicable);

/// <summary>The easy-read words of the confirmation page, served by the API so that every client says the same.</summary>
/// <param name="Title">The page's heading.</param>
/// <param name="Introduction">What the page is for.</param>
/// <param name="Agree">The words of the "agree" choice.</param>
/// <param name="Disagree">The words of the "disagree" choice.</param>
/// <param name="ReasonPrompt">The question asked when the service user does not agree.</param>
/// <param name="ReasonHint">Help under the reason box.</param>
/// <param name="NotApplicable">What to show for a standard that did not apply.</param>
/// <param name="Thanks">What to show once the answer is saved.</param>
/// <param name="CodeNotRecognised">What to show when a code does not work.</param>
public sealed record ConfirmationWording(string Title, string Introduction, string Agree, string Disagree, string ReasonPrompt, string ReasonHint,
    string NotApplicable, string Thanks, string CodeNotRecognised);

/// <summary>The service user's answer, saved.</summary>
/// <param name="Decision">agree or disagree, as sent.</param>
/// <param name="ConfirmedAt">When it was saved.</param>
/// <param name="Message">Easy-read thanks to show.</param>
public sealed record ConfirmationReceipt(ConfirmationDecision Decision, DateTimeOffset ConfirmedAt, string Message);
