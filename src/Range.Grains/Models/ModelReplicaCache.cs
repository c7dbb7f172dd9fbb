using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RangeOrleans.Abstractions;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Retrieval;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Grains.Models;

/// <summary>
/// A silo's model replicas (a DI singleton): the encoder and bank of each (model, bank, options)
/// identity are loaded once, on first use, and shared by every shard the silo runs. It also holds
/// the silo's shard slots, so at most <see cref="ModelReplicaOptions.MaxConcurrentShards"/> shards
/// compute here at once whatever the coordinator sends.
/// </summary>
public sealed class ModelReplicaCache(IOptions<ModelReplicaOptions> options, IBlobStoreFactory stores, ILogger<ModelReplicaCache> logger) : IDisposable
{
    private readonly ModelReplicaOptions _options = options.Value;
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.MaxConcurrentShards));
    private readonly ConcurrentDictionary<string, Lazy<Task<ILocationEmbedder>>> _replicas = new();
    private int _loads;

    /// <summary>How many replicas this silo has loaded (a second shard of the same model does not load again).</summary>
    public int LoadCount => _loads;

    /// <summary>Waits for a shard slot, then returns the replica for the model; dispose the lease to free the slot.</summary>
    public async Task<ReplicaLease> AcquireAsync(ModelSpec model, string modelSha256, string? bankSha256, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            string key = $"{modelSha256}|{bankSha256}|{model with { Checkpoint = "", Bank = null }}";
            var lazy = _replicas.GetOrAdd(key, _ => new Lazy<Task<ILocationEmbedder>>(() => LoadAsync(model, modelSha256, bankSha256)));
            try
            {
                return new ReplicaLease(await lazy.Value.WaitAsync(cancellationToken), _slots);
            }
            catch when (lazy.Value.IsFaulted)
            {
                _replicas.TryRemove(new KeyValuePair<string, Lazy<Task<ILocationEmbedder>>>(key, lazy)); // let a later shard try again
                throw;
            }
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private async Task<ILocationEmbedder> LoadAsync(ModelSpec model, string modelSha256, string? bankSha256)
    {
        var checkpoint = await ArtifactLocation.LocalFileAsync(model.Checkpoint, modelSha256, _options.CacheFolder, stores, CancellationToken.None);
        string? bank = model.Bank is null || bankSha256 is null ? null
            : await ArtifactLocation.LocalFileAsync(model.Bank, bankSha256, _options.CacheFolder, stores, CancellationToken.None);
        var spec = ToEmbedderSpec(model, checkpoint, bank, _options.Device);
        var embedder = await Task.Run(() => EmbedderLoader.Load(spec));
        Interlocked.Increment(ref _loads);
        logger.LogInformation("Loaded {Model} replica (checkpoint {ModelSha}, bank {BankSha}) on {Device}", embedder.Model, modelSha256[..12], bankSha256?[..12], _options.Device);
        return new SerializedEmbedder(embedder);
    }

    /// <summary>The embedder spec a job's model options mean, with files resolved to local paths.</summary>
    public static EmbedderSpec ToEmbedderSpec(ModelSpec model, string checkpointPath, string? bankPath, string device) =>
        new(checkpointPath, EmbeddingModelNames.Parse(model.Model))
        {
            BankPath = bankPath,
            Temperature = model.Temperature,
            GeoTemperature = model.GeoTemperature,
            Beta = model.Beta,
            Harmonics = model.Harmonics == "exact" ? HarmonicsEvaluation.Exact : HarmonicsEvaluation.Compat,
            Selection = model.Selection switch
            {
                "top1" => RetrievalSelection.Top1,
                "topk" => RetrievalSelection.TopK,
                _ => RetrievalSelection.Soft,
            },
            TopK = model.TopK,
            AngularThresholdDegrees = model.AngularThresholdDegrees,
            Device = device,
        };

    public void Dispose()
    {
        foreach (var lazy in _replicas.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully) lazy.Value.Result.Dispose();
        }
        _slots.Dispose();
    }
}

/// <summary>A model replica held for one shard; disposing frees the silo's shard slot (not the replica).</summary>
public sealed class ReplicaLease(ILocationEmbedder embedder, SemaphoreSlim slots) : IDisposable
{
    private int _released;

    public ILocationEmbedder Embedder { get; } = embedder;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
    }
}
