using System.Collections.Concurrent;
using RangeOrleans.Abstractions;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Encoders;

namespace RangeOrleans.Grains.Banks;

/// <summary>
/// Per silo: the frozen encoders (SatCLIP image encoder for keys, MAE for values) and the dataset of a bank job,
/// loaded once and shared by every bank shard of that job on this silo. Shards encode one at a time (the
/// encoders use all cores already, and TorchSharp modules are not shared across concurrent forwards here).
/// </summary>
public sealed class BankEncoderCache : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Entry>> _entries = new();

    public sealed class Entry(IImageEncoder keys, IImageEncoder values, IGeoTileDataset data) : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private bool _disposed;

        public IImageEncoder Keys { get; } = keys;
        public IImageEncoder Values { get; } = values;
        public IGeoTileDataset Data { get; } = data;

        /// <summary>
        /// Runs <paramref name="work"/> with the encoders, one shard at a time. Once the silo has disposed the cache
        /// (it stops), throws <see cref="ObjectDisposedException"/>: a shard still queued then is retried elsewhere.
        /// </summary>
        public T Use<T>(Func<Entry, T> work, CancellationToken cancellationToken)
        {
            _gate.Wait(cancellationToken);
            try
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                return work(this);
            }
            finally { _gate.Release(); }
        }

        /// <summary>Waits for the shard using the encoders (a stopping silo has cancelled it: it ends at its next batch), then frees them.</summary>
        public void Dispose()
        {
            _gate.Wait();
            try
            {
                if (_disposed) return;
                _disposed = true;
                Keys.Dispose();
                Values.Dispose();
            }
            finally { _gate.Release(); } // never disposed itself: a shard may still be waiting on it
        }
    }

    public Entry Get(BankJobSpec spec)
    {
        string key = $"{spec.Checkpoint}|{spec.Mae}|{spec.Data}|{spec.Entries}|{spec.Seed}";
        var lazy = _entries.GetOrAdd(key, _ => new Lazy<Entry>(() => Load(spec), LazyThreadSafetyMode.ExecutionAndPublication));
        try { return lazy.Value; }
        catch { _entries.TryRemove(key, out _); throw; } // a failed load is retried by the next shard
    }

    private static Entry Load(BankJobSpec spec)
    {
        var keys = ImageEncoders.SatClip(spec.Checkpoint);
        try
        {
            var values = ImageEncoders.Mae(spec.Mae);
            return new Entry(keys, values, DataSource.Open(spec.Data, spec.Entries, spec.Seed));
        }
        catch
        {
            keys.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach (var lazy in _entries.Values)
            if (lazy.IsValueCreated) lazy.Value.Dispose();
        _entries.Clear();
    }
}
