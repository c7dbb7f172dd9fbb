namespace RangeOrleans.Storage;

/// <summary>Azure's container naming rules: 3-63 characters, lower-case letters, digits and single inner dashes.</summary>
public static class AzureContainerName
{
    public static void Validate(string container, string destination)
    {
        var problem = FindProblem(container);
        if (problem is not null)
            throw new ArgumentException(
                $"destination '{destination}': container name '{container}' {problem} (Azure: 3-63 characters, lower-case letters, digits and '-', starting and ending with a letter or digit, no '--')",
                nameof(destination));
    }

    public static bool IsValid(string container) => FindProblem(container) is null;

    private static string? FindProblem(string name)
    {
        if (name.Length == 0) return "is empty";
        if (name.Length is < 3 or > 63) return $"is {name.Length} characters long";
        foreach (var c in name)
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')) return $"contains '{c}'";
        if (name[0] == '-' || name[^1] == '-') return "starts or ends with '-'";
        if (name.Contains("--", StringComparison.Ordinal)) return "contains '--'";
        return null;
    }
}
