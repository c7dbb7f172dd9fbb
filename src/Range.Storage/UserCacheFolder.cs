namespace RangeOrleans.Storage;

/// <summary>
/// This user's own folder for what range keeps between runs (cached models, the command log):
/// <c>$XDG_CACHE_HOME/range</c>, else <c>~/.cache/range</c>. Made readable by its owner only (0700): a fixed folder in
/// /tmp let another local user plant a "cached" model or read and replace the log.
/// </summary>
public static class UserCacheFolder
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>The folder (not created): $XDG_CACHE_HOME/range, ~/.cache/range, or, with no home, range-USER in the temp folder.</summary>
    public static string Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache && Path.IsPathFullyQualified(cache))
                return Path.Combine(cache, "range");
            string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return home.Length > 0 ? Path.Combine(home, ".cache", "range") : Path.Combine(Path.GetTempPath(), $"range-{Environment.UserName}");
        }
    }

    /// <summary><see cref="Root"/>/<paramref name="name"/>, created owner-only (and <see cref="Root"/> too) if missing.</summary>
    public static string Create(string name) => CreateOwnerOnly(Path.Combine(Root, name));

    /// <summary>
    /// Creates <paramref name="folder"/> (and missing parents) with mode 0700, and narrows it to 0700 when it exists with
    /// more: what other users could see or change in it is theirs to tamper with.
    /// </summary>
    public static string CreateOwnerOnly(string folder)
    {
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(folder).FullName;
        var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(folder));
        if (parent is not null && !Directory.Exists(parent) && parent.StartsWith(Root, StringComparison.Ordinal)) CreateOwnerOnly(parent);
        Directory.CreateDirectory(folder, OwnerOnly);
        if ((File.GetUnixFileMode(folder) & ~OwnerOnly) != 0) File.SetUnixFileMode(folder, OwnerOnly);
        return folder;
    }
}
