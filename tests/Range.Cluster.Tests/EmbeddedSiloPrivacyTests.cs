using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RangeOrleans.Abstractions;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The silo inside a local command (`range map` without --cluster) accepts no connection from another process: while
/// a real `range map` runs, every TCP port its process listens on (read from /proc) drops a raw connection before
/// sending a byte, and an Orleans client pointed at it with the command's cluster id cannot call a grain.
/// </summary>
public sealed class EmbeddedSiloPrivacyTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-private-");

    [Fact]
    public async Task No_port_of_a_running_local_command_accepts_another_process()
    {
        string dest = Path.Combine(_folder.FullName, "map");
        using var run = RangeCli.Start(["map", "--fibonacci", "3000000", "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip",
            "--out", dest, "--job-id", "private"], timeout: TimeSpan.FromMinutes(5));
        string shards = Path.Combine(dest, "shards");
        await run.WaitUntilAsync(() => Directory.Exists(shards) && Directory.GetFiles(shards, "*.arrow").Length >= 1, TimeSpan.FromSeconds(120), "a shard written");

        var ports = ListeningSockets.Of(run.Id).Select(e => e.Port).Distinct().ToList();
        Assert.NotEmpty(ports); // Orleans always opens the silo port; the gateway must not be there
        Assert.Single(ports);
        foreach (int port in ports)
        {
            Assert.True(await DropsConnectionAsync(port), $"port {port} of `range map` kept a connection open");
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => CallThroughGatewayAsync(port));
            Assert.IsNotType<Xunit.Sdk.XunitException>(refused);
        }
        Assert.False(run.Result.IsCompleted, "the command ended before its ports were checked: give it more points");
    }

    // True when the peer closes a fresh connection (end of stream or reset) within 10 s without sending anything.
    private static async Task<bool> DropsConnectionAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try { return await tcp.GetStream().ReadAsync(new byte[64], timeout.Token) == 0; }
        catch (IOException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    // An Orleans client of the command's cluster (ids "range") with PORT as its gateway lists the jobs, or throws.
    private static async Task CallThroughGatewayAsync(int port)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(c => c
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, port))
            .Configure<ClusterOptions>(o => { o.ClusterId = "range"; o.ServiceId = "range"; }));
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        await host.Services.GetRequiredService<IClusterClient>().GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync().WaitAsync(timeout.Token);
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
