namespace SeQuIn.Api.Common;

internal sealed partial class ContractExamples
{
    /// <summary>The example record of an answer type, for bodies drawn from it (the SVG pictures and the meeting pack).</summary>
    public static T ExampleOf<T>() => (T)Examples[typeof(T)];
}
