using Orleans.Runtime;

namespace RangeOrleans.Hosting;

/// <summary>
/// Every call a silo makes (from a grain, or from its hosted client: start-up tasks, background loops, a local command's
/// own silo) passes here: a call to an internal method gets a fresh <see cref="CallStamp"/>; any other call loses the
/// stamp it may have inherited from the call being served, so a stamp never travels past the call it was made for (and
/// never to a client).
/// </summary>
internal sealed class SiloStampFilter(ClusterSecret secret, TimeProvider clock) : IOutgoingGrainCallFilter
{
    // Async so that the RequestContext change stays inside this call: the caller's own context is left as it was.
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (ClusterInternalMethods.IsInternal(context.InterfaceMethod) && !context.TargetId.IsClient())
            RequestContext.Set(CallStamp.Key, CallStamp.Make(secret, context.TargetId.ToString(), ClusterInternalMethods.Name(context.InterfaceMethod), clock.GetUtcNow()));
        else
            RequestContext.Remove(CallStamp.Key);
        await context.Invoke();
    }
}
