using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using RangeOrleans.Grains.Models;

namespace RangeOrleans.Grains.Shards;

/// <summary>
/// The silo's shard compute: a fixed number of dedicated threads (one per shard slot) at a lower OS priority
/// (nice +5 on Linux, <see cref="ThreadPriority.BelowNormal"/> elsewhere) that run map and bank shards. Heavy
/// TorchSharp work never holds a .NET thread-pool thread, where Orleans runs its scheduler, its messaging and the
/// membership probes, and when the CPU is short the silo's own threads win it: a busy silo still answers probes and
/// status calls. Work beyond the thread count waits in a queue; a run's awaits continue on these threads.
/// </summary>
public sealed class ComputeThreads : TaskScheduler, IDisposable
{
    // Nice value: below the runtime's threads (0), so they get the CPU first when they wake, without starving the compute
    // when other processes load the machine (+10 gave it about a tenth of a busy core's share). Needs no privilege.
    private const int LowerPriority = 5;
    private readonly BlockingCollection<Task> _queue = [];
    private readonly Thread[] _threads;

    public ComputeThreads(IOptions<ModelReplicaOptions> options) : this(options.Value.MaxConcurrentShards) { }

    public ComputeThreads(int threads)
    {
        _threads = new Thread[Math.Max(1, threads)];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Work) { IsBackground = true, Name = $"range-compute-{i}" };
            _threads[i].Start();
        }
    }

    public override int MaximumConcurrencyLevel => _threads.Length;

    /// <summary>Runs <paramref name="work"/> on a compute thread; its awaits continue there.</summary>
    public Task RunAsync(Func<Task> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.DenyChildAttach, this).Unwrap();

    /// <summary>
    /// Lowers the calling thread's priority as compute threads have it (for long runs on threads of their own, such as
    /// pretraining). On Linux threads started by native code from this thread (libtorch's) inherit it.
    /// </summary>
    public static void LowerCurrentThreadPriority()
    {
        if (OperatingSystem.IsLinux())
        {
            try { _ = SetPriority(0, GetThreadId(), LowerPriority); } // PRIO_PROCESS of a thread id: that thread only
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
        }
        else Thread.CurrentThread.Priority = ThreadPriority.BelowNormal;
    }

    protected override void QueueTask(Task task) => _queue.Add(task);

    // Inline only on a compute thread, so work never runs on the caller's (a grain's) thread.
    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread.Name?.StartsWith("range-compute-", StringComparison.Ordinal) == true && TryExecuteTask(task);

    protected override IEnumerable<Task> GetScheduledTasks() => _queue.ToArray();

    private void Work()
    {
        LowerCurrentThreadPriority();
        try
        {
            foreach (var task in _queue.GetConsumingEnumerable()) TryExecuteTask(task);
        }
        catch (ObjectDisposedException) { } // disposed while waiting
    }

    public void Dispose() => _queue.CompleteAdding();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetThreadId();
}
