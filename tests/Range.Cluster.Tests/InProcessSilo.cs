using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Hosting;

namespace RangeOrleans.Cluster.Tests;

/// <summary>A started one-silo host with the production grains and defaults, no logging: for tests of one grain.</summary>
internal static class InProcessSilo
{
    /// <param name="roots">What jobs may touch on this silo (default: anything, as the in-process silo of a local command).</param>
    /// <param name="services">Replaces production services (registered after the silo's own).</param>
    public static async Task<IHost> StartAsync(AllowedRoots? roots = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.AddRangeSilo(new RangeClusterOptions(), roots: roots);
            services?.Invoke(silo.Services);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
