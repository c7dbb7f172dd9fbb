using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Grains.Storage;

/// <summary>
/// What a silo lets jobs touch: local folders under its data roots and the Azure containers it allows (of the account
/// its AZURE_STORAGE_CONNECTION_STRING names). Every location a job spec names (DEST, point inputs, checkpoint, bank,
/// MAE, an s2: folder) is checked here, by the silo that receives the job and before the job stores anything; a refusal
/// is an ArgumentException naming the option, the location and the rule. Local paths are compared after
/// canonicalisation ('..' removed, symbolic links of the existing prefix resolved), so neither leads outside a root.
/// A silo in the command's own process (the embedded default) is <see cref="Unrestricted"/>: it touches what its user named.
/// </summary>
public sealed class AllowedRoots
{
    /// <summary>Data roots from the environment, ':'-separated, added to those of --data-root.</summary>
    public const string DataRootsVariable = "RANGE_DATA_ROOTS";

    /// <summary>Allowed containers from the environment, ','-separated, added to those of --allow-container.</summary>
    public const string ContainersVariable = "RANGE_ALLOWED_CONTAINERS";

    /// <summary>As a container: every container of the silo's storage account.</summary>
    public const string AnyContainer = "*";

    private const int MaxLinks = 40; // as Linux' path resolution: a longer chain is a loop

    private readonly string[]? _folders; // canonical; null: any
    private readonly string[]? _containers; // null or containing AnyContainer: any
    private RootsHolder _holder = RootsHolder.Silo; // whose roots a refusal names, and how to widen them

    private AllowedRoots(string[]? folders, string[]? containers)
    {
        _folders = folders;
        _containers = containers;
    }

    /// <summary>The embedded silo's policy: the command's own user named every location.</summary>
    public static AllowedRoots Unrestricted { get; } = new(null, null);

    /// <summary>
    /// A silo's policy from its options: <paramref name="folders"/> (absolute, or relative to the working folder;
    /// canonicalised now) and <paramref name="containers"/> (names, or <see cref="AnyContainer"/>). None given: nothing allowed.
    /// </summary>
    public static AllowedRoots Of(IEnumerable<string> folders, IEnumerable<string> containers)
    {
        var roots = folders.Select(f =>
        {
            if (string.IsNullOrWhiteSpace(f) || f.Any(char.IsControl)) throw new ArgumentException($"--data-root '{f}': not a folder path");
            return Canonical(Path.GetFullPath(f));
        }).Distinct(StringComparer.Ordinal).ToArray();
        var names = containers.Select(c =>
        {
            if (c != AnyContainer && !AzureContainerName.IsValid(c))
                throw new ArgumentException($"--allow-container '{c}': not a container name (3-63 lowercase letters, digits and '-') or {AnyContainer}");
            return c;
        }).Distinct(StringComparer.Ordinal).ToArray();
        return new AllowedRoots(roots, names);
    }

    /// <summary>
    /// The same roots as <paramref name="holder"/>'s (an HTTP API token's): refusals name it and how to widen its roots,
    /// so a user is not sent to a silo's options when the silo would have allowed the location.
    /// </summary>
    public AllowedRoots HeldBy(RootsHolder holder) => new(_folders, _containers) { _holder = holder };

    /// <summary>Roots named by <see cref="DataRootsVariable"/> and <see cref="ContainersVariable"/> (empty when unset).</summary>
    public static (string[] Folders, string[] Containers) FromEnvironment() => (
        (Environment.GetEnvironmentVariable(DataRootsVariable) ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        (Environment.GetEnvironmentVariable(ContainersVariable) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>One line for the silo's start-up message.</summary>
    public string Describe() => _folders is null
        ? "any location"
        : $"data roots {(_folders.Length == 0 ? "none" : string.Join(", ", _folders))}; containers {(_containers!.Length == 0 ? "none" : string.Join(", ", _containers))}";

    /// <summary>Every location of a map job: DEST, its point inputs, checkpoint and bank.</summary>
    public void Require(JobSpec spec)
    {
        Require(spec.Destination, "--output");
        foreach (var input in spec.Points?.Inputs ?? []) Require(input, "--input");
        if (spec.Model is null) return;
        Require(spec.Model.Checkpoint, "--checkpoint");
        if (spec.Model.Bank is not null) Require(spec.Model.Bank, "--bank");
    }

    /// <summary>Every location of a bank job: DEST, checkpoint, MAE and an s2: dataset folder.</summary>
    public void Require(BankJobSpec spec)
    {
        Require(spec.Destination, "--output");
        Require(spec.Checkpoint, "--checkpoint");
        Require(spec.Mae, "--mae");
        RequireData(spec.Data);
    }

    /// <summary>Every location of a pretrain job: DEST, an s2: dataset folder and a frozen backbone's state dict.</summary>
    public void Require(PretrainJobSpec spec)
    {
        Require(spec.Destination, "--output");
        RequireData(spec.Data);
        Require(Pretraining.PretrainJobs.BackboneFile(spec), "--vision-backbone");
    }

    /// <summary>
    /// One location (a local path or az://CONTAINER/...) named by <paramref name="option"/>; ArgumentException
    /// naming it and the rule when it lies outside what its holder (a silo, or an API token) allows.
    /// </summary>
    public void Require(string? location, string option)
    {
        if (_folders is null || string.IsNullOrEmpty(location)) return; // unrestricted; a missing location is the spec checks' to name
        if (BlobStores.IsAzure(location))
        {
            var (container, _) = BlobStores.ParseAzure(location);
            if (_containers!.Contains(AnyContainer) || _containers!.Contains(container)) return;
            throw new ArgumentException($"{option} '{location}': container '{container}' is not one {_holder.Name} allows " +
                $"({(_containers!.Length == 0 ? "none" : string.Join(", ", _containers))}; {_holder.WidenContainers})");
        }
        if (!Path.IsPathFullyQualified(location)) throw new ArgumentException($"{option} '{location}': a local path must be absolute (silos do not share a working folder)");
        var canonical = Canonical(Path.GetFullPath(location));
        if (_folders.Any(root => IsUnder(canonical, root))) return;
        string resolved = canonical == location ? "" : $" (resolves to '{canonical}')";
        throw new ArgumentException($"{option} '{location}'{resolved}: outside {_holder.Possessive} data roots " +
            $"({(_folders.Length == 0 ? "none" : string.Join(", ", _folders))}; {_holder.WidenFolders})");
    }

    /// <summary>
    /// Every file a worker reads for dataset <paramref name="data"/>: an s2: folder's index and each tile it lists
    /// (a link inside an allowed folder may point outside it). Nothing for earth, earth-land, or an unrestricted silo.
    /// </summary>
    public void RequireDataFiles(string? data)
    {
        if (_folders is null || data is null || DataSource.S2Folder(data) is not { } folder) return;
        Require(folder, "--data");
        Require(Path.Combine(Path.GetFullPath(folder), S2Dataset.IndexFile), "--data index");
        var tiles = new S2Dataset(folder, cacheBytes: 0);
        for (int i = 0; i < tiles.Count; i++) Require(tiles.FilePath(i), "--data tile");
    }

    private void RequireData(string? data)
    {
        if (data is not null && DataSource.S2Folder(data) is { } folder) Require(folder, "--data");
    }

    private static bool IsUnder(string path, string root) =>
        path == root || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);

    /// <summary>
    /// <paramref name="fullPath"/> (absolute, '..'-free) with every symbolic link along its existing prefix replaced by
    /// what it points to, as realpath does; the part that does not exist yet is kept as written. A dangling link is followed
    /// too (creating the file would create its target).
    /// </summary>
    public static string Canonical(string fullPath)
    {
        int links = 0;
        string root = Path.GetPathRoot(fullPath)!;
        var rest = new Queue<string>(fullPath[root.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries));
        string current = root;
        while (rest.Count > 0)
        {
            string part = rest.Dequeue();
            string next = Path.Join(current, part);
            string? target = LinkTarget(next);
            if (target is not null)
            {
                if (++links > MaxLinks) throw new ArgumentException($"'{fullPath}': more than {MaxLinks} symbolic links (a loop?)");
                string resolved = Path.GetFullPath(target, current);
                string resolvedRoot = Path.GetPathRoot(resolved)!;
                rest = new Queue<string>(resolved[resolvedRoot.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                current = resolvedRoot;
                continue;
            }
            if (!Directory.Exists(next) && !File.Exists(next)) return Path.Join([next, .. rest]);
            current = next;
        }
        return current;
    }

    // The link's own target (one level), or null when the path is no link or not there.
    private static string? LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
