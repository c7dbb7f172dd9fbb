using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Banks;
using RangeOrleans.Grains.Jobs;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Storage;
using RangeOrleans.Training.Banks;
using RangeOrleans.Training.Data;

namespace RangeOrleans.Grains.Banks;

/// <summary>
/// One bank job on the <see cref="ShardedJobGrain{TState}"/> engine: its shards are runs of <see cref="BankJobSpec.ShardSize"/>
/// entries (<see cref="BankShard.Plan"/>), each built by an <see cref="IBankShardGrain"/> into shards/shard-NNNNN.arrow;
/// every recorded shard is also listed in DEST/shards.sha256 (the record <see cref="LocalBankJob"/> keeps, which a rerun
/// under any job id reuses); it finishes by merging the shards into bank.arrow. Cancelled or failed: the unfinished
/// uploads, and blobs no recorded hash vouches for, are removed; recorded shard files and shards.sha256 stay.
/// </summary>
public sealed class BankJobGrain(
    [PersistentState("bank", RangeStorage.Name)] IPersistentState<BankJobState> state,
    IBlobStoreFactory stores,
    AllowedRoots roots,
    IOptions<CoordinatorOptions> options,
    TransientFailures transientFailures,
    ILogger<BankJobGrain> logger)
    : ShardedJobGrain<BankJobState>(state, stores, options.Value, transientFailures, logger), IBankJobGrain
{
    private string? _hashesWritten;
    private string? _mergedSha256;

    protected override string Kind => "Bank job";

    protected override JobKind JobKind => JobKind.Bank;

    protected override string Destination => S.Spec!.Destination;

    public async Task<BankJobStatus> SubmitAsync(BankJobSpec spec)
    {
        JobPoints.ValidateJobId(JobId);
        if (spec.ShardSize < 1) throw new ArgumentException($"shard size must be at least 1, got {spec.ShardSize}");
        JobPoints.RequireDestination(spec.Destination);
        roots.Require(spec);
        if (S.Spec is not null)
        {
            if (S.Spec != spec) throw new ArgumentException($"bank job '{JobId}' already exists with a different spec; choose another job id");
            return Status();
        }
        // Off the scheduler: it hashes the checkpoint and the value encoder.
        await CheckOnThisSiloAsync(() => Task.Run(() => BankClaim.ClaimAsync(Stores.Open(spec.Destination), JobId, spec, Stores, CancellationToken.None)));
        await BeginAsync(spec.Destination, DateTimeOffset.UtcNow, JobState.Preparing, () => S.Spec = spec);
        return Status();
    }

    public Task<BankJobStatus> GetStatusAsync() => Task.FromResult(Status());

    public async Task<BankJobStatus> CancelAsync()
    {
        if (!Completing) await CancelJobAsync();
        return Status();
    }

    public Task<BankJobStatus> ResumeAsync()
    {
        Resume();
        return Task.FromResult(Status());
    }

    private BankJobStatus Status() => new()
    {
        JobId = JobId,
        State = S.State,
        Destination = S.Spec?.Destination ?? "",
        CleaningUp = S.CleanupPending,
        TotalShards = Table.Count,
        DoneShards = Table.DoneShards,
        RunningShards = Table.RunningCount,
        Retries = S.Retries,
        Entries = S.Entries,
        BankSha256 = S.BankSha256,
        Error = S.Error,
        ReusedShards = Table.SkippedShards,
    };

    /// <summary>
    /// The shards, with those an earlier job onto this DEST recorded in shards.sha256 (an interrupted, cancelled or failed
    /// one, under any job id: the claim made at submit, <see cref="BankClaim"/>, says DEST holds this settings' bank) whose
    /// blobs still match marked done and skipped.
    /// </summary>
    protected override Func<Task<ShardPlan>> Planning()
    {
        var spec = S.Spec!;
        var destination = Stores.Open(spec.Destination);
        return async () =>
        {
            int count = DataSource.Open(spec.Data, spec.Entries, spec.Seed).Count; // deterministic: every silo opens the same entries
            var shards = BankShard.Plan(count, spec.ShardSize)
                .Select(s => new ShardRecord { TileId = s.Index.ToString(CultureInfo.InvariantCulture), ExpectedRows = s.Count }).ToList();
            var recorded = LocalBankJob.ReadHashes(destination, CancellationToken.None);
            var candidates = shards.Where(s => recorded.ContainsKey(Blob(s))).Select(s => (s.TileId, Blob(s), (string?)recorded[Blob(s)])).ToList();
            var damaged = (await ShardVerifier.FindDamagedAsync(destination, candidates, CancellationToken.None)).ToHashSet();
            foreach (var shard in shards.Where(s => recorded.ContainsKey(Blob(s)) && !damaged.Contains(s.TileId)))
                (shard.Status, shard.Rows, shard.Sha256, shard.Skipped) = (ShardStatus.Done, shard.ExpectedRows, recorded[Blob(shard)], true);
            return new ShardPlan(shards, () => S.Entries = count);
        };
    }

    protected override Task StartShardAsync(ShardRecord shard)
    {
        int index = Index(shard);
        return Shard(shard).StartAsync(S.Spec!, index, index * S.Spec!.ShardSize, (int)shard.ExpectedRows, shard.Attempts);
    }

    protected override Task<ShardProgress> ShardProgressAsync(ShardRecord shard) => Shard(shard).GetProgressAsync();

    protected override Task CancelShardAsync(ShardRecord shard) => Shard(shard).CancelAsync();

    private IBankShardGrain Shard(ShardRecord shard) => GrainFactory.GetGrain<IBankShardGrain>(ShardKey(shard));

    private static int Index(ShardRecord shard) => int.Parse(shard.TileId, CultureInfo.InvariantCulture);

    protected override string ShardBlob(ShardRecord shard) => Blob(shard);

    private static string Blob(ShardRecord shard) => LocalBankJob.ShardBlob(Index(shard));

    protected override List<ShardRecord>? TakeLegacyShards()
    {
        var shards = S.Shards.Select(s => s.ToShardRecord()).ToList();
        S.Shards = [];
        return shards;
    }

    /// <summary>The state, then shards.sha256 whenever the recorded shards changed: a shard counts once both say so.</summary>
    protected override async Task WriteStateAsync()
    {
        await base.WriteStateAsync();
        if (Table.Count == 0) return; // not planned yet: shards.sha256 is an earlier job's record, which the plan reuses
        var hashes = HashesText();
        if (hashes == _hashesWritten) return;
        await Stores.Open(Destination).WriteAllTextAsync(LocalBankJob.ShardHashesFile, hashes);
        _hashesWritten = hashes;
    }

    // shards.sha256 next to the shards, in sha256sum format: the same record LocalBankJob keeps.
    private string HashesText() =>
        string.Concat(Table.Rows.Where(s => s.Status == ShardStatus.Done).Select(s => $"{s.Sha256}  {Blob(s)}\n"));

    /// <summary>shards.sha256 once more (a write lost to an outage is made good), then the shards merged into bank.arrow. A bank job has no scratch data.</summary>
    protected override JobCompletion Completion(IBlobStore destination)
    {
        var hashes = HashesText();
        var shards = Table.Rows.Select(s => (Blob(s), s.Sha256!)).ToList();
        return new JobCompletion("merging the bank", async () =>
        {
            await destination.WriteAllTextAsync(LocalBankJob.ShardHashesFile, hashes);
            _mergedSha256 = Merge(destination, shards);
        }, () => Task.CompletedTask, Options.TransientFailureLimit);
    }

    protected override void OnCompleted() => S.BankSha256 = _mergedSha256;

    /// <summary>
    /// The output of every shard not recorded: an unfinished upload (local partial file, staged Azure blocks), and a
    /// blob that a run committed but whose hash never reached the job (nothing vouches for it), so that shards/ holds
    /// exactly the shards shards.sha256 lists.
    /// </summary>
    protected override Func<Task> TemporaryDataRemoval()
    {
        var store = Stores.Open(Destination);
        var unrecorded = Table.Rows.Where(s => s.Status != ShardStatus.Done).Select(ShardBlob).ToList();
        return async () =>
        {
            foreach (var name in unrecorded)
            {
                await store.DiscardUnfinishedAsync(name);
                await store.DeleteAsync(name);
            }
        };
    }

    private static string Merge(IBlobStore store, List<(string Blob, string Sha256)> shards)
    {
        var banks = new List<FeatureBank>();
        foreach (var (name, sha) in shards)
        {
            var bytes = store.ReadAllBytesAsync(name).GetAwaiter().GetResult();
            using var stream = new MemoryStream(bytes, writable: false);
            if (Core.Jobs.ContentHash.OfStream(stream) != sha) throw new InvalidDataException($"{store.Location}/{name} does not match the SHA-256 recorded when it was built");
            stream.Position = 0;
            banks.Add(ArrowBankFile.Read(stream, $"{store.Location}/{name}"));
        }
        var merged = BankBuilder.Merge(banks, $"{store.Location}: {banks.Sum(b => b.Count)} entries");
        return LocalBankJob.Write(store, LocalBankJob.BankFile, merged);
    }
}
