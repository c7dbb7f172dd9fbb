using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// The silo's front door: a call to a <see cref="ClusterInternalAttribute"/> interface or method runs only when a silo of
/// the cluster made it; a client's is refused before any work, with one line that names the method and the public
/// surface. A silo's call carries a <see cref="CallStamp"/> made with the <see cref="ClusterSecret"/> only silos hold
/// (<see cref="SiloStampFilter"/>): the sender id a message carries is what its sender wrote, and a gateway forwards a
/// client's as written, so the id alone (<see cref="ClusterCaller"/>) proves nothing. Without a secret (a cluster without
/// TLS that was given none) only the id is checked. Registered on every silo by <see cref="RangeHostingExtensions.AddRangeSilo"/>.
/// </summary>
internal sealed class ClusterBoundaryFilter(ClusterCaller callers, ClusterSecret? secret, TimeProvider clock, ILogger<ClusterBoundaryFilter> log)
    : IIncomingGrainCallFilter
{
    private const int LoggedRefusals = 1000;
    private readonly ConcurrentDictionary<(GrainId?, MethodInfo), bool> _logged = new();

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (ClusterInternalMethods.IsInternal(context.InterfaceMethod) && !FromSilo(context))
        {
            string refusal = Refusal(context.InterfaceMethod);
            // One line per caller and method: a forger retrying in a loop does not flood the log.
            if (_logged.Count < LoggedRefusals && _logged.TryAdd((context.SourceId, context.InterfaceMethod), true))
                log.LogWarning("Refused a call from {Source} to {Target}: {Refusal}", context.SourceId, context.TargetId, refusal);
            throw new UnauthorizedAccessException(refusal);
        }
        return context.Invoke();
    }

    /// <summary>The one line a client gets for an internal call.</summary>
    public static string Refusal(MethodInfo method) =>
        $"{method.DeclaringType?.Name}.{method.Name} is internal to the cluster; clients use submit/status/cancel/jobs";

    private bool FromSilo(IIncomingGrainCallContext context) =>
        callers.IsMember(context.SourceId)
        && (secret is null || CallStamp.IsValid(secret, RequestContext.Get(CallStamp.Key), context.TargetId.ToString(),
            ClusterInternalMethods.Name(context.InterfaceMethod), clock.GetUtcNow()));
}
