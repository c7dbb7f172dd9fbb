using System.Collections.Concurrent;
using System.Reflection;
using Orleans.Runtime;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// The silo's front door: a call to a <see cref="ClusterInternalAttribute"/> interface or method runs only when a grain
/// or a silo of the cluster made it (<see cref="ClusterCaller"/>); a client's is refused before any work, with one line
/// that names the method and the public surface. Registered on every silo by <see cref="RangeHostingExtensions.AddRangeSilo"/>.
/// </summary>
internal sealed class ClusterBoundaryFilter(ClusterCaller callers) : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<MethodInfo, bool> _internal = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (IsInternal(context.InterfaceMethod) && !callers.IsMember(context.SourceId))
            throw new UnauthorizedAccessException(Refusal(context.InterfaceMethod));
        return context.Invoke();
    }

    /// <summary>The one line a client gets for an internal call.</summary>
    public static string Refusal(MethodInfo method) =>
        $"{method.DeclaringType?.Name}.{method.Name} is internal to the cluster; clients use submit/status/cancel/jobs";

    private bool IsInternal(MethodInfo method) => _internal.GetOrAdd(method, static m =>
        m.IsDefined(typeof(ClusterInternalAttribute), inherit: false)
        || m.DeclaringType?.IsDefined(typeof(ClusterInternalAttribute), inherit: false) == true);
}
