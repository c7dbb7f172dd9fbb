using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Jobs;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Workers check their own assignment against their silo's roots when they open its files, whoever started them: in an
/// in-process silo restricted to one root, a map shard, a bank shard and a pretrain worker given a location outside it
/// (directly, through a symbolic link inside the root, or as one tile of an s2: folder inside the root) each fail,
/// permanently, naming the location and the rule, and leave nothing outside; no error shows a file's hash.
/// </summary>
public sealed class WorkerAllowedRootsTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private const string Outside = "outside this silo's data roots";
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-worker-roots-");
    private string _allowed = null!, _outside = null!, _escape = null!, _checkpoint = null!;
    private IHost _silo = null!;

    private IGrainFactory Grains => _silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        _allowed = Directory.CreateDirectory(Path.Combine(_folder.FullName, "allowed")).FullName;
        _outside = Directory.CreateDirectory(Path.Combine(_folder.FullName, "outside")).FullName;
        _escape = Path.Combine(_allowed, "escape");
        Directory.CreateSymbolicLink(_escape, _outside); // inside by name, outside in fact
        _checkpoint = Path.Combine(_allowed, "satclip.ckpt");
        File.Copy(TestData.Fixture("satclip_l10/satclip.ckpt"), _checkpoint);
        _silo = await InProcessSilo.StartAsync(AllowedRoots.Of([_allowed], []));
    }

    [Fact]
    public async Task A_map_shard_refuses_a_destination_or_checkpoint_that_links_outside_and_shows_no_hash()
    {
        string secret = Path.Combine(_outside, "secret.ckpt");
        File.Copy(_checkpoint, secret);
        File.CreateSymbolicLink(Path.Combine(_allowed, "linked.ckpt"), secret);
        string secretHash = ContentHash.OfFile(secret);
        var spec = MapJobs.Fibonacci(1000, Path.Combine(_allowed, "map")) with { Model = new ModelSpec { Checkpoint = _checkpoint, Model = "satclip" } };

        var cases = new (string Key, JobSpec Spec, string Expected)[]
        {
            ("dest/t0", spec with { Destination = Path.Combine(_escape, "map") }, $"--output '{_escape}/map' (resolves to '{_outside}/map'): {Outside}"),
            ("ckpt/t0", spec with { Model = spec.Model with { Checkpoint = Path.Combine(_allowed, "linked.ckpt") } }, $"(resolves to '{secret}'): {Outside}"),
        };
        foreach (var (key, job, expected) in cases)
        {
            var shard = Grains.GetGrain<IShardGrain>(key);
            await shard.StartAsync(new ShardAssignment
            {
                JobId = key.Split('/')[0], TileId = "t0", Attempt = 1, Spec = job, OutputBlob = "shards/t0.arrow",
                ModelSha256 = new string('0', 64), ExpectedRows = 10,
            });
            var failed = await EndedAsync(shard.GetProgressAsync, p => p.State != ShardRunState.Running);
            Assert.True(failed is { State: ShardRunState.Failed, Permanent: true }, failed.ToString());
            Assert.Contains(expected, failed.Error);
            Assert.DoesNotContain(secretHash, failed.Error);
        }
        Assert.Equal(["secret.ckpt"], Directory.GetFileSystemEntries(_outside).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(_allowed, "map")));
    }

    [Fact]
    public async Task A_bank_shard_refuses_a_destination_outside_the_roots_before_loading_anything()
    {
        var shard = Grains.GetGrain<IBankShardGrain>("bank/0");
        var spec = new BankJobSpec { Checkpoint = _checkpoint, Mae = _checkpoint, Data = "earth", Entries = 8, Destination = Path.Combine(_escape, "bank") };
        await shard.StartAsync(spec, 0, 0, 8, 1);
        var failed = await EndedAsync(shard.GetProgressAsync, p => p.State != ShardRunState.Running);
        Assert.True(failed is { State: ShardRunState.Failed, Permanent: true }, failed.ToString());
        Assert.Contains($"(resolves to '{_outside}/bank'): {Outside}", failed.Error);
        Assert.Empty(Directory.GetFileSystemEntries(_outside));
    }

    [Fact]
    public async Task A_pretrain_worker_refuses_s2_tiles_that_link_outside_the_roots()
    {
        // The dataset folder and its index are inside the root; its images/ folder is a link to tiles outside it.
        string s2 = Directory.CreateDirectory(Path.Combine(_allowed, "s2")).FullName;
        string tiles = Directory.CreateDirectory(Path.Combine(_outside, "tiles")).FullName;
        var noise = new byte[20_000]; // over S2Dataset's 10 kB minimum: listed, never decoded
        foreach (var name in new[] { "a.tif", "b.tif", "c.tif" }) File.WriteAllBytes(Path.Combine(tiles, name), noise);
        Directory.CreateSymbolicLink(Path.Combine(s2, "images"), tiles);
        File.WriteAllText(Path.Combine(s2, "index.csv"), "fn,lat,lon\na.tif,10,20\nb.tif,-30,40\nc.tif,0,0\n");
        var spec = new PretrainJobSpec
        {
            Data = "s2:" + s2, Epochs = 1, BatchSize = 2, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4, Destination = Path.Combine(_allowed, "model"),
        };

        var worker = Grains.GetGrain<IPretrainWorkerGrain>("pretrain/1");
        await worker.StartAsync(spec, 1);
        var failed = await EndedAsync(worker.GetProgressAsync, p => p.State is not (ShardRunState.Running or ShardRunState.Idle));
        Assert.True(failed is { State: ShardRunState.Failed, Permanent: true }, failed.ToString());
        Assert.True(failed.Error!.Contains($"--data tile '{s2}/images/a.tif' (resolves to '{tiles}/a.tif'): {Outside}"), failed.Error);
        Assert.False(Directory.Exists(Path.Combine(_allowed, "model")));
    }

    private static async Task<T> EndedAsync<T>(Func<Task<T>> read, Func<T, bool> ended)
    {
        var deadline = DateTime.UtcNow + Timeout;
        T last;
        while (!ended(last = await read()))
        {
            Assert.True(DateTime.UtcNow < deadline, $"still running: {last}");
            await Task.Delay(50);
        }
        return last;
    }

    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        _silo.Dispose();
        _folder.Delete(recursive: true);
    }
}
