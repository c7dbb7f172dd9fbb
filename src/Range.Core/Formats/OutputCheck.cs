using System.Runtime.InteropServices;

namespace RangeOrleans.Core.Formats;

/// <summary>
/// What a command checks about its output before any compute: that it can be written (not a directory,
/// in a folder that exists or can be made, where a file can be created) and that it is none of the
/// command's inputs, under any spelling (relative, <c>..</c>, a symbolic link, and on Linux a hard link).
/// Every refusal is an <see cref="ArgumentException"/> or <see cref="DirectoryNotFoundException"/> (bad
/// input, exit 2) naming the option and the path; nothing is left behind.
/// </summary>
public static partial class OutputCheck
{
    /// <summary>Checks an output file; returns its full path.</summary>
    /// <param name="inputs">The command's inputs as (option, path); null paths are skipped.</param>
    public static string File(string path, string option, params (string Option, string? Path)[] inputs)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new ArgumentException($"{option} '{full}' is a directory; give a file path");
        RequireWritableFolder(Path.GetDirectoryName(full)!, option, full);
        foreach (var (inputOption, input) in inputs)
        {
            if (input is not null && SameFile(full, input))
                throw new ArgumentException($"{option} '{full}' is the same file as the input {inputOption} '{Path.GetFullPath(input)}': it would be overwritten; write the output elsewhere");
        }
        return full;
    }

    /// <summary>Checks an output folder and the files a command writes into it; returns the folder's full path.</summary>
    public static string Folder(string path, string option, IEnumerable<string> fileNames, params (string Option, string? Path)[] inputs)
    {
        var full = Path.GetFullPath(path);
        if (System.IO.File.Exists(full)) throw new ArgumentException($"{option} '{full}' is a file; give a folder");
        RequireWritableFolder(full, option, full);
        foreach (var name in fileNames) File(Path.Combine(full, name), option, inputs);
        return full;
    }

    /// <summary>Whether two paths name the same existing file (symbolic links followed; hard links on Linux).</summary>
    public static bool SameFile(string a, string b)
    {
        if (!System.IO.File.Exists(a) || !System.IO.File.Exists(b)) return false;
        if (FileId(a) is { } idA && FileId(b) is { } idB) return idA == idB;
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return string.Equals(RealPath(Path.GetFullPath(a)), RealPath(Path.GetFullPath(b)), comparison);
    }

    /// <summary>
    /// The folder exists (or its nearest existing ancestor is a folder, where the writer will create it)
    /// and a file can be created there: probed by creating and deleting an empty hidden file.
    /// </summary>
    private static void RequireWritableFolder(string folder, string option, string target)
    {
        var existing = folder;
        while (!Directory.Exists(existing))
        {
            if (System.IO.File.Exists(existing))
                throw new ArgumentException($"{option} '{target}': '{existing}' is a file, not a folder");
            existing = Path.GetDirectoryName(existing)
                ?? throw new DirectoryNotFoundException($"{option} '{target}': no folder of it exists");
        }
        var probe = Path.Combine(existing, $".range-write-probe-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} '{target}': cannot write in folder '{existing}' ({e.Message.TrimEnd('.')})", e);
        }
    }

    /// <summary>The path with every symbolic link in it resolved (at most 40 links, as Linux).</summary>
    private static string RealPath(string full, int hops = 0)
    {
        var parent = Path.GetDirectoryName(full);
        if (parent is null) return full; // the root
        var resolved = Path.Combine(RealPath(parent, hops), Path.GetFileName(full));
        var info = new FileInfo(resolved);
        if (info.LinkTarget is not { } target || hops >= 40) return resolved;
        return RealPath(Path.GetFullPath(target, Path.GetDirectoryName(resolved)!), hops + 1);
    }

    /// <summary>(device, inode) from stat(2) on Linux x64 and arm64 (both lay out st_dev, st_ino first); null elsewhere.</summary>
    private static (ulong Device, ulong Inode)? FileId(string path)
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64)) return null;
        var buffer = new byte[256]; // sizeof(struct stat) is 144 (x64) or 128 (arm64)
        try
        {
            if (Stat(path, buffer) != 0) return null;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a C library without a stat symbol (glibc before 2.33): fall back to paths
        }
        return (BitConverter.ToUInt64(buffer, 0), BitConverter.ToUInt64(buffer, 8));
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, byte[] buffer);
}
