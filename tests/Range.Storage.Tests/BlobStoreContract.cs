using System.Security.Cryptography;

namespace RangeOrleans.Storage.Tests;

/// <summary>
/// What every <see cref="IBlobStore"/> must do, run against each implementation by a subclass. Each test
/// gets a fresh, empty store.
/// </summary>
public abstract class BlobStoreContract
{
    protected abstract IBlobStore Store { get; }

    /// <summary>A size that spans several of the store's write blocks (or buffers).</summary>
    protected abstract int MultiBlockSize { get; }

    [Fact]
    public async Task Committed_blob_reads_back_byte_for_byte()
    {
        var content = RandomBytes(1000, seed: 1);
        await Store.WriteAllBytesAsync("a/b/c.bin", content);

        Assert.True(await Store.ExistsAsync("a/b/c.bin"));
        Assert.Equal(content, await Store.ReadAllBytesAsync("a/b/c.bin"));
    }

    [Fact]
    public async Task Zero_length_blob_round_trips()
    {
        await Store.WriteAllBytesAsync("empty", ReadOnlyMemory<byte>.Empty);

        Assert.True(await Store.ExistsAsync("empty"));
        Assert.Empty(await Store.ReadAllBytesAsync("empty"));
        Assert.Equal(new BlobEntry("empty", 0), Assert.Single(await List()));
    }

    [Fact]
    public async Task Blob_larger_than_a_block_round_trips_through_small_sync_and_async_writes()
    {
        var content = RandomBytes(MultiBlockSize, seed: 2);
        await using (var writer = await Store.CreateAsync("big.bin"))
        {
            // Uneven pieces, sync and async, so writes straddle block boundaries.
            var offset = 0;
            var piece = 0;
            while (offset < content.Length)
            {
                var n = Math.Min(content.Length - offset, 1 + (piece * 7919 % 300_000));
                if (piece++ % 2 == 0) writer.Stream.Write(content, offset, n);
                else await writer.Stream.WriteAsync(content.AsMemory(offset, n));
                offset += n;
            }
            await writer.CommitAsync();
        }

        Assert.Equal(content, await Store.ReadAllBytesAsync("big.bin"));
        Assert.Equal(new BlobEntry("big.bin", content.Length), Assert.Single(await List()));
    }

    [Fact]
    public async Task Whole_reads_of_a_blob_a_writer_keeps_replacing_each_return_one_whole_version()
    {
        // A live job rewrites its status and shards.sha256 while clients read them: a read must neither fail nor mix.
        static string Version(int i) => $"version {i} " + new string((char)('a' + i % 26), 2000);
        await Store.WriteAllTextAsync("live.txt", Version(0));
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 1; !stop.IsCancellationRequested; i++) await Store.WriteAllTextAsync("live.txt", Version(i));
        });
        try
        {
            for (var read = 0; read < 150; read++)
            {
                var text = await Store.ReadAllTextAsync("live.txt");
                var i = int.Parse(text.Split(' ')[1]);
                Assert.Equal(Version(i), text);
                await Store.Sha256Async("live.txt");
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
    }

    [Fact]
    public async Task Of_many_creates_if_absent_of_one_name_at_once_exactly_one_wins_and_its_content_stays()
    {
        var writers = Enumerable.Range(0, 8).Select(i => RandomBytes(100, seed: 10 + i)).ToArray();
        var won = await Task.WhenAll(writers.Select(content => Task.Run(() => Store.CreateIfAbsentAsync("claim.json", content))));

        int winner = Assert.Single(Enumerable.Range(0, won.Length), i => won[i]);
        Assert.Equal(writers[winner], await Store.ReadAllBytesAsync("claim.json"));
        Assert.False(await Store.CreateIfAbsentAsync("claim.json", RandomBytes(10, seed: 99)));
        Assert.Equal(writers[winner], await Store.ReadAllBytesAsync("claim.json"));
        Assert.Equal(["claim.json"], (await List()).Select(e => e.Name)); // nothing partial left by the losers
    }

    [Fact]
    public async Task Uncommitted_write_is_invisible_and_leaves_nothing_listed()
    {
        await using (var writer = await Store.CreateAsync("shards/t1.arrow"))
        {
            await writer.Stream.WriteAsync(RandomBytes(MultiBlockSize, seed: 3));
            Assert.False(await Store.ExistsAsync("shards/t1.arrow"));
            Assert.Empty(await List());
        }

        Assert.False(await Store.ExistsAsync("shards/t1.arrow"));
        Assert.Empty(await List());
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync("shards/t1.arrow"));
    }

    [Fact]
    public async Task Overwrite_keeps_the_old_content_until_the_new_commit()
    {
        await Store.WriteAllTextAsync("manifest.json", "old");
        await using (var writer = await Store.CreateAsync("manifest.json"))
        {
            await writer.Stream.WriteAsync("new content"u8.ToArray());
            Assert.Equal("old", await Store.ReadAllTextAsync("manifest.json"));
            await writer.CommitAsync();
        }

        Assert.Equal("new content", await Store.ReadAllTextAsync("manifest.json"));
        Assert.Single(await List());
    }

    [Fact]
    public async Task Commit_keeps_the_content_when_the_caller_closed_the_stream_first()
    {
        // Format writers that own their stream close it before the commit.
        var content = RandomBytes(MultiBlockSize / 2 + 17, seed: 4);
        await using (var writer = await Store.CreateAsync("closed.bin"))
        {
            await writer.Stream.WriteAsync(content);
            await writer.Stream.DisposeAsync();
            await writer.CommitAsync();
        }

        Assert.Equal(content, await Store.ReadAllBytesAsync("closed.bin"));
    }

    [Fact]
    public async Task List_returns_the_names_under_a_prefix_sorted()
    {
        foreach (var name in new[] { "shards/t2.arrow", "shards/t10.arrow", "shards/sub/x", "shardsX/y", "manifest.json" })
            await Store.WriteAllTextAsync(name, name);

        Assert.Equal(["manifest.json", "shards/sub/x", "shards/t10.arrow", "shards/t2.arrow", "shardsX/y"],
            (await List()).Select(e => e.Name));
        Assert.Equal(["shards/sub/x", "shards/t10.arrow", "shards/t2.arrow"], (await List("shards/")).Select(e => e.Name));
        Assert.Equal(["shards/t10.arrow", "shards/t2.arrow"], (await List("shards/t")).Select(e => e.Name));
        Assert.Equal(["shards/sub/x", "shards/t10.arrow", "shards/t2.arrow", "shardsX/y"], (await List("shards")).Select(e => e.Name));
        Assert.Empty(await List("nothing/"));
        Assert.Equal("shards/t2.arrow".Length, (await List("shards/t2")).Single().Length);
    }

    [Fact]
    public async Task Delete_removes_the_blob_and_ignores_a_missing_one()
    {
        await Store.WriteAllTextAsync("x/y", "z");
        await Store.DeleteAsync("x/y");
        await Store.DeleteAsync("x/y");
        await Store.DeleteAsync("never/written");

        Assert.False(await Store.ExistsAsync("x/y"));
        Assert.Empty(await List());
    }

    [Fact]
    public async Task Reading_a_missing_blob_fails_naming_it()
    {
        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync("no/such.bin"));
        Assert.Contains("no/such.bin", error.Message);
        Assert.False(await Store.ExistsAsync("no/such.bin"));
    }

    [Fact]
    public async Task A_name_that_is_only_a_folder_of_other_blobs_is_not_a_blob()
    {
        await Store.WriteAllTextAsync("dir/inner", "x");

        Assert.False(await Store.ExistsAsync("dir"));
        await Assert.ThrowsAsync<FileNotFoundException>(() => Store.OpenReadAsync("dir"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("a/../../x")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a\\b")]
    [InlineData("a/./b")]
    [InlineData("C:x")]
    [InlineData("a/")]
    [InlineData("")]
    [InlineData("bad\u0001char")]
    public async Task Bad_names_are_refused_by_every_method(string name)
    {
        await AssertRefused(name, () => Store.ExistsAsync(name));
        await AssertRefused(name, () => Store.OpenReadAsync(name));
        await AssertRefused(name, () => Store.CreateAsync(name));
        await AssertRefused(name, () => Store.DeleteAsync(name));
        await AssertRefused(name, () => Store.DiscardUnfinishedAsync(name));
        Assert.Empty(await List());
    }

    [Fact]
    public async Task Overlong_names_are_refused()
    {
        var name = new string('a', BlobName.MaxLength + 1);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Store.CreateAsync(name));
        Assert.Contains("1025 characters", error.Message);
    }

    [Theory]
    [InlineData("../")]
    [InlineData("/x")]
    [InlineData("a//")]
    public async Task Bad_list_prefixes_are_refused(string prefix)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => List(prefix));
    }

    [Fact]
    public async Task Sha256_matches_System_Security_Cryptography()
    {
        var content = RandomBytes(MultiBlockSize, seed: 5);
        await Store.WriteAllBytesAsync("h.bin", content);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), await Store.Sha256Async("h.bin"));
        await Store.WriteAllBytesAsync("e.bin", ReadOnlyMemory<byte>.Empty);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", await Store.Sha256Async("e.bin"));
    }

    [Fact]
    public async Task Text_round_trips_as_utf8()
    {
        await Store.WriteAllTextAsync("t.txt", "Zürich → 東京");
        Assert.Equal("Zürich → 東京", await Store.ReadAllTextAsync("t.txt"));
        Assert.Equal("Zürich → 東京"u8.ToArray(), await Store.ReadAllBytesAsync("t.txt"));
    }

    /// <summary>How many unfinished writes of <paramref name="name"/> left data behind (partial files, staged blocks).</summary>
    protected abstract Task<int> UnfinishedCountAsync(string name);

    [Fact]
    public async Task Discarding_unfinished_writes_removes_their_data_and_keeps_committed_blobs()
    {
        var kept = RandomBytes(1000, seed: 5);
        await Store.WriteAllBytesAsync("shards/kept.arrow", kept);
        // Writers that never commit nor dispose: what a killed process leaves.
        var crashed = await Store.CreateAsync("shards/crashed.arrow");
        await crashed.Stream.WriteAsync(RandomBytes(MultiBlockSize, seed: 6));
        var overKept = await Store.CreateAsync("shards/kept.arrow");
        await overKept.Stream.WriteAsync(RandomBytes(MultiBlockSize, seed: 7));
        Assert.True(await UnfinishedCountAsync("shards/crashed.arrow") > 0, "the abandoned write left nothing to discard: the test proves nothing");

        await Store.DiscardUnfinishedAsync("shards/crashed.arrow");
        await Store.DiscardUnfinishedAsync("shards/kept.arrow");
        await Store.DiscardUnfinishedAsync("shards/never-written.arrow");
        await Store.DiscardUnfinishedAsync("no-such-folder/x");

        Assert.Equal(0, await UnfinishedCountAsync("shards/crashed.arrow"));
        Assert.False(await Store.ExistsAsync("shards/crashed.arrow"));
        Assert.Equal(kept, await Store.ReadAllBytesAsync("shards/kept.arrow"));
        Assert.Equal(["shards/kept.arrow"], (await List()).Select(e => e.Name));
        await crashed.DisposeAsync();
        await overKept.DisposeAsync();
    }

    [Fact]
    public async Task Discarding_unfinished_writes_under_a_prefix_finds_them_without_their_names()
    {
        var kept = RandomBytes(1000, seed: 8);
        await Store.WriteAllBytesAsync("shards/kept.arrow", kept);
        await Store.WriteAllBytesAsync("other/kept.arrow", kept);
        var forgotten = await Store.CreateAsync("shards/forgotten.arrow");
        await forgotten.Stream.WriteAsync(RandomBytes(MultiBlockSize, seed: 9));
        var nested = await Store.CreateAsync("shards/2026/deeper.arrow"); // every name under the prefix, not one folder's
        await nested.Stream.WriteAsync(RandomBytes(MultiBlockSize, seed: 11));
        var outside = await Store.CreateAsync("other/outside.arrow");
        await outside.Stream.WriteAsync(RandomBytes(MultiBlockSize, seed: 10));
        Assert.True(await UnfinishedCountAsync("shards/forgotten.arrow") > 0, "the abandoned write left nothing to discard: the test proves nothing");
        Assert.True(await UnfinishedCountAsync("shards/2026/deeper.arrow") > 0, "the nested abandoned write left nothing to discard");

        await Store.DiscardUnfinishedUnderAsync("shards/");
        await Store.DiscardUnfinishedUnderAsync("no-such-folder/");

        Assert.Equal(0, await UnfinishedCountAsync("shards/forgotten.arrow"));
        Assert.Equal(0, await UnfinishedCountAsync("shards/2026/deeper.arrow"));
        Assert.True(await UnfinishedCountAsync("other/outside.arrow") > 0, "a write outside the prefix was discarded");
        Assert.Equal(kept, await Store.ReadAllBytesAsync("shards/kept.arrow"));
        Assert.Equal(["other/kept.arrow", "shards/kept.arrow"], (await List()).Select(e => e.Name));
        await forgotten.DisposeAsync();
        await nested.DisposeAsync();
        await outside.DisposeAsync();
    }

    [Fact]
    public async Task Committing_twice_is_an_error()
    {
        await using var writer = await Store.CreateAsync("once");
        await writer.CommitAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.CommitAsync());
    }

    [Fact]
    public void Location_is_shown_by_ToString()
    {
        Assert.False(string.IsNullOrEmpty(Store.Location));
        Assert.Equal(Store.Location, Store.ToString());
    }

    protected async Task<List<BlobEntry>> List(string prefix = "")
    {
        var entries = new List<BlobEntry>();
        await foreach (var entry in Store.ListAsync(prefix)) entries.Add(entry);
        return entries;
    }

    protected static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static async Task AssertRefused(string name, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(call);
        if (name.Length > 0 && !name.Contains('\u0001')) Assert.Contains(name, error.Message);
    }
}
