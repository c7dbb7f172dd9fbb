namespace RangeOrleans.Storage.Tests;

/// <summary>The contract on a local folder, plus what only a folder can show (partial files, links).</summary>
public sealed class LocalFolderBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LocalFolderBlobStore _store;

    public LocalFolderBlobStoreTests()
    {
        _store = new LocalFolderBlobStore(_dir.File("root"));
    }

    protected override IBlobStore Store => _store;
    protected override int MultiBlockSize => 3 * 65536 + 1234; // several FileStream buffers

    protected override Task<int> UnfinishedCountAsync(string name)
    {
        var target = Path.Combine(_dir.File("root"), name);
        var folder = Path.GetDirectoryName(target)!;
        return Task.FromResult(Directory.Exists(folder) ? Directory.GetFiles(folder, Path.GetFileName(target) + ".partial-*").Length : 0);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Delete_of_a_name_where_a_folder_stands_succeeds_and_leaves_the_folder()
    {
        // What a failed job's cleanup meets when something else made a folder where its shard file goes.
        Directory.CreateDirectory(_dir.File("root/shards/s4.arrow"));
        File.WriteAllText(_dir.File("root/shards/s4.arrow/keep"), "not ours");
        await _store.DeleteAsync("shards/s4.arrow");
        Assert.False(await _store.ExistsAsync("shards/s4.arrow"));
        Assert.True(File.Exists(_dir.File("root/shards/s4.arrow/keep")));
    }

    [Fact]
    public async Task Writing_goes_to_a_partial_file_that_commit_renames_and_abandon_deletes()
    {
        await using (var writer = await _store.CreateAsync("s/a.bin"))
        {
            writer.Stream.Write([1, 2, 3]);
            var partial = Assert.Single(Directory.GetFiles(_dir.File("root/s")));
            Assert.Matches(@"a\.bin\.partial-[0-9a-f]{32}$", partial);
        }
        Assert.Empty(Directory.GetFiles(_dir.File("root/s")));

        await _store.WriteAllBytesAsync("s/a.bin", new byte[] { 4 });
        Assert.Equal(["a.bin"], Directory.GetFiles(_dir.File("root/s")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Partial_files_left_by_a_crash_are_not_listed()
    {
        Directory.CreateDirectory(_dir.File("root/s"));
        File.WriteAllText(_dir.File("root/s/a.bin.partial-0123456789abcdef0123456789abcdef"), "half");
        await _store.WriteAllTextAsync("s/b.bin", "whole");

        Assert.Equal(["s/b.bin"], (await List()).Select(e => e.Name));
        await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync("s/a.bin.partial-0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public async Task Location_is_the_full_root_path()
    {
        Assert.Equal(Path.GetFullPath(_dir.File("root")), _store.Location);
        await _store.WriteAllTextAsync("n", "v");
        Assert.Equal("v", File.ReadAllText(Path.Combine(_store.Location, "n")));
    }

    [Fact]
    public async Task A_symbolic_link_out_of_the_root_is_refused()
    {
        Directory.CreateDirectory(_dir.File("root"));
        Directory.CreateDirectory(_dir.File("outside"));
        File.WriteAllText(_dir.File("outside/secret"), "s");
        Directory.CreateSymbolicLink(_dir.File("root/link"), _dir.File("outside"));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => _store.OpenReadAsync("link/secret"));
        Assert.Contains("symbolic link", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => _store.CreateAsync("link/new"));
        Assert.False(File.Exists(_dir.File("outside/new")));
    }

    [Fact]
    public async Task A_symbolic_link_inside_the_root_is_followed()
    {
        await _store.WriteAllTextAsync("real/x", "1");
        Directory.CreateSymbolicLink(_dir.File("root/alias"), _dir.File("root/real"));

        Assert.Equal("1", await _store.ReadAllTextAsync("alias/x"));
    }
}
