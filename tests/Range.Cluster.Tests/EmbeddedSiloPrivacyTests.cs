using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The silo inside a local command (`range map` without --cluster) accepts no connection from another process: while
/// a real `range map` runs, every TCP port its process listens on (read from /proc) drops a raw connection before
/// sending a byte, and an Orleans client pointed at it with the command's cluster id cannot call a grain. Played as a
/// second local user too (uid nobody, where the test runs as root): no port answers it, and the command's cache folder
/// (its log, cached models; mode 0700) can be neither read nor written.
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

    [SecondLocalUserFact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // file modes and uids are Unix's
    public async Task Another_local_user_reaches_no_port_and_no_cache_folder_of_a_running_local_command()
    {
        // This folder readable by everyone, so what stops the other user is the command's own folder (mode 0700), not this one.
        File.SetUnixFileMode(_folder.FullName, File.GetUnixFileMode(_folder.FullName) | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        string cacheHome = Directory.CreateDirectory(Path.Combine(_folder.FullName, "cache")).FullName;
        // The user's cache folder as range makes it on first use (a log line, a cached model), with an earlier run's log.
        string userCache = UserCacheFolder.CreateOwnerOnly(Path.Combine(cacheHome, "range"));
        File.WriteAllText(Path.Combine(userCache, "range.log"), "an earlier run's log\n");
        string dest = Path.Combine(_folder.FullName, "map");
        using var run = RangeCli.Start(["map", "--fibonacci", "3000000", "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip",
            "--out", dest, "--job-id", "private-uid"], new Dictionary<string, string> { ["XDG_CACHE_HOME"] = cacheHome }, TimeSpan.FromMinutes(5));
        string shards = Path.Combine(dest, "shards");
        await run.WaitUntilAsync(() => Directory.Exists(shards) && Directory.GetFiles(shards, "*.arrow").Length >= 1, TimeSpan.FromSeconds(120), "a shard written");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(userCache));

        // Every port the command listens on: nobody connects and is hung up on before a byte (read's end of file), within 10 s.
        var ports = ListeningSockets.Of(run.Id);
        Assert.NotEmpty(ports);
        foreach (var endpoint in ports)
        {
            var (code, output) = await OtherLocalUser.RunAsync("bash", "-c",
                "exec 3<>/dev/tcp/$0/$1 || exit 10; IFS= read -r -t 10 -n 1 -u 3 byte; rc=$?; " +
                "if [ $rc -eq 0 ]; then echo 'sent a byte'; exit 11; elif [ $rc -gt 128 ]; then echo 'kept the connection open'; exit 12; fi; echo 'hung up'",
                endpoint.Address.ToString(), endpoint.Port.ToString());
            Assert.True(code == 0 && output.Contains("hung up"), $"nobody at {endpoint}: exit {code}, {output}");
        }

        // Its cache folder (logs, cached models): nobody can list it, read its log, or plant a file in it.
        foreach (var (what, command) in new (string, string[])[]
        {
            ("list", ["ls", userCache]),
            ("read the log", ["cat", Path.Combine(userCache, "range.log")]),
            ("plant a file", ["touch", Path.Combine(userCache, "planted")]),
            ("plant a model", ["mkdir", Path.Combine(userCache, "models")]),
        })
        {
            var (code, output) = await OtherLocalUser.RunAsync(command);
            Assert.True(code != 0 && output.Contains("Permission denied"), $"nobody could {what}: exit {code}, {output}");
        }
        Assert.False(File.Exists(Path.Combine(userCache, "planted")));
        Assert.False(run.Result.IsCompleted, "the command ended before the other user tried: give it more points");
    }

    // True when the peer closes a fresh connection (end of stream or reset) within 10 s without sending anything. A
    // peer that hangs up at once can do so before the connect completes here: that reads as a broken pipe or a reset.
    private static async Task<bool> DropsConnectionAsync(int port)
    {
        using var tcp = new TcpClient();
        try { await tcp.ConnectAsync(IPAddress.Loopback, port); }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.Shutdown or SocketError.ConnectionReset) { return true; }
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
