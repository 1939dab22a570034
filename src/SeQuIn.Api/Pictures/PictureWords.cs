namespace SeQuIn.Api.Pictures;

/// <summary>Which words a picture uses: the framework's professional names, or its easy-read ones and plain wording.</summary>
public enum PictureLabels
{
    /// <summary>Area names as the framework writes them (the default).</summary>
    Professional,
    /// <summary>The framework's easy-read area names, and plain words for the picture's own labels.</summary>
    EasyRead,
}

/// <summary>An area's names in the framework version the picture is drawn for.</summary>
public sealed record AreaName(string Code, string Name, string EasyReadName);

/// <summary>The words a picture needs: area names by code, and its own labels in the chosen register.</summary>
public sealed class PictureWords(IReadOnlyDictionary<string, AreaName> areas, PictureLabels labels)
{
    public PictureLabels Labels => labels;

    public bool EasyRead => labels == PictureLabels.EasyRead;

    /// <summary>The area's name; its code when the framework no longer has it.</summary>
    public string Area(string code) => areas.TryGetValue(code, out var area) ? EasyRead ? area.EasyReadName : area.Name : code;

    /// <summary>One of two wordings: professional, or easy-read.</summary>
    public string Say(string professional, string easyRead) => EasyRead ? easyRead : professional;
}
