using System.Security.Cryptography;
using RangeOrleans.Abstractions;
using RangeOrleans.Hosting;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The front door against a client built to lie (docs/security.md): a real Orleans client with a valid client
/// certificate and the Redis password, against a real `range silo` of a mutual-TLS cluster, rewrites the sender id of
/// its messages (<see cref="SenderForgery"/>) to the id of the client the silo hosts, then to a job grain's id, and
/// sends stamps a silo could have made but that are stale, made for another call or made without the cluster's secret.
/// Every internal call is refused with the one line (or, where the forged id sends the answer elsewhere, logged by the
/// silo), no shard is written and the registry lists no fake job; a stamp made with the secret is what opens the door.
/// </summary>
public sealed class ForgedSenderTests : IDisposable
{
    private const string Password = "forged-sender-redis-password-51c4";
    private const string Refusal = "is internal to the cluster; clients use submit/status/cancel/jobs";
    private readonly TestCertificates _ca = new();
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-forged-");
    private LocalCluster _cluster = null!;

    [Fact]
    public async Task A_client_that_writes_a_silos_or_a_grains_id_as_its_sender_is_refused_and_changes_nothing()
    {
        string allowed = Directory.CreateDirectory(Path.Combine(_folder.FullName, "allowed")).FullName;
        string checkpoint = Path.Combine(allowed, "satclip.ckpt");
        File.Copy(TestData.Sample("satclip_l10_fixture.ckpt"), checkpoint);
        _cluster = new LocalCluster(redisPassword: Password, certificates: _ca);
        await _cluster.StartSilosAsync(1, access: ["--data-root", allowed]);
        var (honestHost, honest) = await _cluster.ConnectAsync();
        using var honestConnection = honestHost;
        var silo = Assert.Single(await honest.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Key;
        var registry = honest.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);

        // The client the silo hosts is named "hosted-" + its address: a client that takes that name passes for the silo.
        var (forgerHost, forger) = await _cluster.ConnectAsync(client => SenderForgery.PassAsClient(client, $"hosted-{silo.ToParsableString()}"));
        using var forgerConnection = forgerHost;
        var assignment = new ShardAssignment
        {
            JobId = "forged", TileId = "t+000+00", Attempt = 1, OutputBlob = "shards/t+000+00.arrow", ExpectedRows = 10,
            Spec = MapJobs.Fibonacci(20_000, Path.Combine(allowed, "forged")) with { Model = new ModelSpec { Checkpoint = checkpoint, Model = "satclip" } },
            ModelSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(checkpoint))), // the real file's: a worker obeying it would write
        };
        var forgedRegistry = forger.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key);
        var calls = new (string Method, Func<Task> Call)[]
        {
            ("IJobRegistryGrain.RegisterAsync", () => forgedRegistry.RegisterAsync(Ghost("ghost"))),
            ("IJobRegistryGrain.UpdateAsync", () => forgedRegistry.UpdateAsync("ghost", JobState.Failed)),
            ("IShardGrain.StartAsync", () => forger.GetGrain<IShardGrain>("forged/t+000+00").StartAsync(assignment)),
        };
        foreach (var (method, call) in calls)
        {
            var refused = await Assert.ThrowsAnyAsync<Exception>(call);
            Assert.Contains($"{method} {Refusal}", refused.Message);
        }

        // A shard report is one-way (no answer comes back): the silo logs the refusal.
        var reported = forger.GetGrain<IJobCoordinatorGrain>("forged");
        await reported.ShardChangedAsync("t+000+00", new ShardProgress { State = ShardRunState.Failed, Attempt = 1 });
        await RefusalLoggedAsync(reported.GetGrainId());

        // Stamps in the forger's RequestContext: stale, made for another call, or made with another key; each refused.
        var secret = ClusterSecret.Load(_cluster.SecretFile)!;
        string target = registry.GetGrainId().ToString();
        string register = $"{typeof(IJobRegistryGrain).FullName}.{nameof(IJobRegistryGrain.RegisterAsync)}";
        var stamps = new (string What, string Stamp)[]
        {
            ("stale", CallStamp.Make(secret, target, register, DateTimeOffset.UtcNow - CallStamp.MaxAge - TimeSpan.FromMinutes(1))),
            ("another method's", CallStamp.Make(secret, target, $"{typeof(IJobRegistryGrain).FullName}.{nameof(IJobRegistryGrain.UpdateAsync)}", DateTimeOffset.UtcNow)),
            ("another grain's", CallStamp.Make(secret, honest.GetGrain<IJobRegistryGrain>("other").GetGrainId().ToString(), register, DateTimeOffset.UtcNow)),
            ("another key's", CallStamp.Make(ClusterSecret.Random(), target, register, DateTimeOffset.UtcNow)),
        };
        foreach (var (what, stamp) in stamps)
        {
            RequestContext.Set(CallStamp.Key, stamp);
            try
            {
                var refused = await Assert.ThrowsAnyAsync<Exception>(() => forgedRegistry.RegisterAsync(Ghost("ghost")));
                Assert.True(refused.Message.Contains($"IJobRegistryGrain.RegisterAsync {Refusal}"), $"a {what} stamp: {refused.Message}");
            }
            finally { RequestContext.Clear(); }
        }
        // What the secret proves: the same call with a fresh stamp made with it runs (whoever holds the secret is a silo).
        string cancel = $"{typeof(IShardGrain).FullName}.{nameof(IShardGrain.CancelAsync)}";
        var idle = forger.GetGrain<IShardGrain>("nothing/t+000+00");
        RequestContext.Set(CallStamp.Key, CallStamp.Make(secret, idle.GetGrainId().ToString(), cancel, DateTimeOffset.UtcNow));
        try { await idle.CancelAsync(); }
        finally { RequestContext.Clear(); }

        // A job grain's id as the sender: the answer goes to that grain, so the forger hears nothing; the silo logs the refusal.
        var coordinator = honest.GetGrain<IJobCoordinatorGrain>("real").GetGrainId();
        var (posingHost, posing) = await _cluster.ConnectAsync();
        using var posingConnection = posingHost;
        SenderForgery.PassAsGrain(posingHost, coordinator);
        try { await posing.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).RegisterAsync(Ghost("ghost-of-a-grain")).WaitAsync(TimeSpan.FromSeconds(10)); }
        catch (Exception e) when (e is TimeoutException or OrleansException or UnauthorizedAccessException) { } // no answer, or the refusal
        await RefusalLoggedAsync(coordinator);

        await Task.Delay(TimeSpan.FromSeconds(2)); // a shard a call had started would have written by now
        Assert.False(Directory.Exists(Path.Combine(allowed, "forged")), "a forged StartAsync wrote a shard");
        Assert.Empty(await registry.ListAsync());
    }

    // The silo's warning about a refused call that names GRAIN (as the sender or the target).
    private Task RefusalLoggedAsync(GrainId grain) =>
        _cluster.WaitAsync(() => Task.FromResult(_cluster.SiloLogsAbout("Refused a call from")), logs => logs.Contains($"{grain} ") || logs.Contains($"{grain}:"),
            $"the silo's line about a refused call of {grain}", TimeSpan.FromSeconds(30));

    private static JobSummary Ghost(string id) => new() { JobId = id, Destination = "/tmp/ghost", SubmittedAt = DateTimeOffset.UtcNow };

    public void Dispose()
    {
        _cluster?.Dispose();
        _ca.Dispose();
        _folder.Delete(recursive: true);
    }
}
