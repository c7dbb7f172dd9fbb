namespace RangeOrleans.Storage.Tests;

/// <summary>The per-user cache folder is its owner's alone: created 0700, and narrowed to 0700 when found open to others.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes are Unix's
public sealed class UserCacheFolderTests : IDisposable
{
    private const UnixFileMode OthersAndGroup = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-user-cache-");

    [Fact]
    public void A_new_folder_is_its_owners_only()
    {
        string models = UserCacheFolder.CreateOwnerOnly(Path.Combine(_folder.FullName, "models"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(models));
    }

    [Fact]
    public void A_folder_open_to_other_users_is_narrowed_to_its_owner()
    {
        string shared = Directory.CreateDirectory(Path.Combine(_folder.FullName, "shared")).FullName;
        File.SetUnixFileMode(shared, File.GetUnixFileMode(shared) | OthersAndGroup);
        UserCacheFolder.CreateOwnerOnly(shared);
        Assert.Equal(0, (int)(File.GetUnixFileMode(shared) & OthersAndGroup));
    }

    [Fact]
    public void The_folder_is_under_the_users_cache_home_not_a_shared_temp_folder()
    {
        Assert.EndsWith("/range", UserCacheFolder.Root);
        Assert.False(UserCacheFolder.Root.StartsWith(Path.GetTempPath(), StringComparison.Ordinal) && Environment.GetEnvironmentVariable("HOME") is { Length: > 0 },
            UserCacheFolder.Root);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
