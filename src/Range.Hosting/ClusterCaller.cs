using Orleans.Runtime;

namespace RangeOrleans.Hosting;

/// <summary>
/// Who made a grain call, as Orleans reports it (<see cref="IGrainCallContext.SourceId"/>): a grain (which runs on a silo
/// of the cluster), the client hosted inside a member silo (work a silo runs outside a grain: start-up tasks, background
/// loops, the in-process silo of a local command), or an external client (through a gateway).
/// </summary>
/// <remarks>
/// The sender's id is what the message says; a gateway forwards it as the client wrote it, so a client built to lie
/// passes this check: where the cluster has a <see cref="ClusterSecret"/>, the front door also wants a silo's
/// <see cref="CallStamp"/> (<see cref="ClusterBoundaryFilter"/>).
/// </remarks>
internal sealed class ClusterCaller(IClusterMembershipService membership, ILocalSiloDetails local)
{
    /// <summary>True when <paramref name="source"/> is a grain, or the hosted client of this silo or of a live member.</summary>
    public bool IsMember(GrainId? source)
    {
        if (source is not { } id) return false; // no sender: nothing vouches for it
        if (!id.IsClient()) return true;
        string key = id.Key.ToString();
        if (key == HostedClientKey(local.SiloAddress)) return true;
        foreach (var member in membership.CurrentSnapshot.Members.Values)
            if (member.Status != SiloStatus.Dead && key == HostedClientKey(member.SiloAddress)) return true;
        return false;
    }

    // Orleans names the client hosted in a silo "hosted-" + the silo's address (HostedClient.CreateHostedClientGrainId).
    private static string HostedClientKey(SiloAddress silo) => $"hosted-{silo.ToParsableString()}";
}
