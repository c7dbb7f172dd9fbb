using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A started one-silo host with the production grains and defaults, no logging: for tests of one grain.</summary>
internal static class InProcessSilo
{
    public static async Task<IHost> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo.AddRangeSilo(new RangeClusterOptions()));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
