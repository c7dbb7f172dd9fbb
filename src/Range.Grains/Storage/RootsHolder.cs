namespace RangeOrleans.Grains.Storage;

/// <summary>
/// Whose <see cref="AllowedRoots"/> refused a location, as the refusal says it: a silo's (widened with its options) or
/// an HTTP API token's (widened when the token is issued).
/// </summary>
public sealed record RootsHolder(string Name, string Possessive, string WidenFolders, string WidenContainers)
{
    public static RootsHolder Silo { get; } = new("this silo", "this silo's",
        $"range silo --data-root, {AllowedRoots.DataRootsVariable}", $"range silo --allow-container, {AllowedRoots.ContainersVariable}");

    public static RootsHolder Token(string name) => new($"token '{name}'", $"token '{name}''s",
        "range api token add --data-root", "range api token add --allow-container");
}
