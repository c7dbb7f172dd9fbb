using Microsoft.Extensions.Hosting;
using RangeOrleans.Abstractions;
using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// A cluster with mutual TLS and a Redis that wants a password (and speaks TLS) (docs/security.md): real `range silo` and
/// `range` processes, certificates from a test CA made here. Who has no certificate from the cluster's CA gets nothing
/// done, and the password shows up in no output.
/// </summary>
public sealed class ClusterSecurityTests : IDisposable
{
    private const string Password = "test-redis-password-5f1c";
    private readonly TestCertificates _ca = new();
    private readonly TestCertificates _otherCa = new("another CA");
    private LocalCluster _cluster = null!;

    [Fact]
    public async Task Clients_and_silos_without_a_certificate_from_the_cluster_ca_get_nothing_done()
    {
        _cluster = new LocalCluster(redisPassword: Password, certificates: _ca); // Redis in plain TCP: what refuses them here is the silos' TLS
        await _cluster.StartSilosAsync(1);
        string[] foreign = LocalCluster.TlsArguments(_otherCa.Issue("intruder", server: false), _otherCa.AuthorityFile);
        string[] member = LocalCluster.TlsArguments(_ca.Issue("operator", server: false), _ca.AuthorityFile);
        string[] cluster = ["--cluster", _cluster.Redis.ConnectionString];
        var env = _cluster.Environment;
        string dest = Path.Combine(_ca.Folder, "never");
        string[] submit = ["submit", .. cluster, "--job-id", "intruder", "--fibonacci", "1000", "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip", "--output", dest];

        var rogueSilo = _cluster.StartSilo(LocalCluster.TlsArguments(_otherCa.Issue("rogue-silo", server: true), _otherCa.AuthorityFile));
        var refused = await Task.WhenAll(
            RangeCli.Start(["jobs", .. cluster], env).Result,
            RangeCli.Start([.. submit], env).Result,
            RangeCli.Start(["jobs", .. cluster, .. foreign], env).Result,
            RangeCli.Start([.. submit, .. foreign], env).Result);

        foreach (var result in refused)
        {
            Assert.True(result.ExitCode == 3, result.ToString());
            Assert.Contains("TLS", result.Error);
            Assert.Single(result.Error.Trim().Split('\n'));
        }
        Assert.Null(await _cluster.Silos[0].WaitExitAsync(TimeSpan.Zero));
        var rogueExit = await rogueSilo.WaitExitAsync(TimeSpan.FromSeconds(90));
        Assert.True(rogueExit is not null and not 0 && !rogueSilo.Started, $"the untrusted silo joined: {rogueSilo.Tail()}");

        var listed = await RangeCli.Start(["jobs", .. cluster, .. member], _cluster.Environment).Result;
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("no jobs", listed.Output); // the refused submits left nothing
        Assert.False(Directory.Exists(dest));
        foreach (var text in refused.Append(listed).Select(r => r.ToString()).Append(_cluster.SiloLogs()).Append(rogueSilo.Tail()))
            Assert.DoesNotContain(Password, text);
    }

    [Fact]
    public async Task A_tls_cluster_completes_a_map_job_with_every_shard_once_when_a_silo_is_killed()
    {
        _cluster = new LocalCluster(redisPassword: Password, certificates: _ca, redisTls: true);
        await _cluster.StartSilosAsync(2);
        var (host, client) = await _cluster.ConnectAsync();
        using (host)
        {
            const long points = 200_000;
            await client.GetGrain<IJobCoordinatorGrain>("tls-failover").SubmitAsync(MapJobs.Fibonacci(points, "az://maps/tls-failover"));
            await _cluster.WaitAsync(client, "tls-failover", s => s.DoneShards >= 3 || s.IsFinal);
            Assert.False((await client.StatusAsync("tls-failover")).IsFinal, "the job ended before a silo could be killed: make it bigger");
            _cluster.Silos[1].Kill();

            var status = await _cluster.WaitAsync(client, "tls-failover", s => s.IsFinal);
            Assert.True(status.State == JobState.Completed, $"{status.State}: {status.Error}");
            var store = BlobStores.Open("az://maps/tls-failover", _cluster.Azurite.ConnectionString);
            await MapJobs.AssertOutputCompleteAsync(store, points, status.TotalShards);
            Assert.DoesNotContain(Password, await store.ReadAllTextAsync(Core.Jobs.JobManifest.FileName));

            var jobs = await RangeCli.Start(["jobs", "--cluster", _cluster.Redis.ConnectionString,
                .. LocalCluster.TlsArguments(_ca.Issue("operator", server: false), _ca.AuthorityFile)], _cluster.Environment).Result;
            Assert.True(jobs.ExitCode == 0 && jobs.Output.Contains("tls-failover"), jobs.ToString());
            Assert.DoesNotContain(Password, jobs.ToString() + _cluster.SiloLogs());
            await host.StopAsync();
        }
    }

    public void Dispose()
    {
        _cluster?.Dispose();
        _ca.Dispose();
        _otherCa.Dispose();
    }
}
