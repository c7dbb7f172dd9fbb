using System.Reflection;
using Microsoft.Extensions.Hosting;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// What a client built to lie does to the sender id its messages carry (docs/security.md, the front door): Orleans'
/// client writes its own id on every message and a gateway forwards it as written, so a client that rewrites its id
/// makes every call it sends look like another caller's. Done here by reflection on the real Orleans client.
/// </summary>
internal static class SenderForgery
{
    private static readonly Assembly s_core = typeof(IClusterClient).Assembly;

    /// <summary>
    /// Before <paramref name="client"/> starts: its client id becomes <paramref name="key"/> (e.g. "hosted-" and a silo's
    /// address, the id of the client a silo hosts), written into every message and its connection's greeting.
    /// </summary>
    public static void PassAsClient(IHost client, string key)
    {
        var detailsType = s_core.GetType("Orleans.LocalClientDetails", throwOnError: true)!;
        object details = client.Services.GetService(detailsType)!;
        var create = typeof(GrainId).Assembly.GetType("Orleans.Runtime.ClientGrainId", throwOnError: true)!.GetMethod("Create", [typeof(string)])!;
        detailsType.GetField("<ClientId>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)!.SetValue(details, create.Invoke(null, [key]));
    }

    /// <summary>After <paramref name="client"/> started: the messages it sends name <paramref name="grain"/> as their sender.</summary>
    public static void PassAsGrain(IHost client, GrainId grain)
    {
        var runtimeType = s_core.GetType("Orleans.OutsideRuntimeClient", throwOnError: true)!;
        object runtime = client.Services.GetService(runtimeType)!;
        var address = runtimeType.GetProperty("CurrentActivationAddress")!;
        var own = (GrainAddress)address.GetValue(runtime)!;
        address.SetValue(runtime, new GrainAddress { GrainId = grain, SiloAddress = own.SiloAddress, ActivationId = own.ActivationId });
    }
}
