using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;
using RangeOrleans.Hosting;
using RangeOrleans.Testing;
using StackExchange.Redis;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// Certificates carry their role (OU=silo, OU=client, OU=redis) and silos check it on every connection: against a real
/// `range silo` of a mutual-TLS cluster, a bare Orleans silo (not `range silo`, so no start-up check of its own) holding
/// the Redis certificate and the Redis password never becomes a member; a silo's certificate opens no gateway; a
/// client's certificate still does.
/// </summary>
public sealed class TlsRoleTests : IDisposable
{
    private const string Password = "roles-redis-password-3a9b";
    private readonly TestCertificates _ca = new();
    private LocalCluster _cluster = null!;

    [Fact]
    public async Task The_redis_certificate_joins_nothing_and_a_silo_certificate_opens_no_gateway()
    {
        _cluster = new LocalCluster(redisPassword: Password, certificates: _ca);
        await _cluster.StartSilosAsync(1);
        string[] cluster = ["--cluster", _cluster.Redis.ConnectionString];

        // A silo's certificate used as a client's: the gateway drops the handshake (exit 3, as for no certificate).
        var asClient = await RangeCli.Start(["jobs", .. cluster, .. LocalCluster.TlsArguments(_ca.Issue("stolen-silo", server: true), _ca.AuthorityFile)],
            _cluster.Environment, TimeSpan.FromSeconds(60)).Result;
        Assert.True(asClient.ExitCode == 3 && asClient.Error.Contains("TLS"), asClient.ToString());

        // The Redis certificate (serverAuth and clientAuth, from the cluster's CA) in a bare Orleans silo with the Redis password.
        var redisFiles = _ca.Issue("stolen-redis", server: true, role: ClusterRole.Redis);
        var verdict = new Verdict();
        using var bare = BareSilo(X509Certificate2.CreateFromPemFile(redisFiles.Certificate, redisFiles.Key), verdict);
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120)))
        {
            var joining = bare.StartAsync(limit.Token);
            await Task.WhenAny(joining, verdict.Dead.Task);
            Assert.True(verdict.Dead.Task.IsCompleted || joining.IsFaulted || joining.IsCanceled,
                "the silo holding the Redis certificate joined the cluster");
        }

        var (host, client) = await _cluster.ConnectAsync(); // a client's certificate: admitted
        using (host)
        {
            Assert.Single(await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)); // the real silo only
        }
        Assert.Null(await _cluster.Silos[0].WaitExitAsync(TimeSpan.Zero));
    }

    // An Orleans silo of the cluster's ids and Redis, with Orleans' own TLS accepting any peer: all it lacks is a silo's certificate.
    private IHost BareSilo(X509Certificate2 certificate, Verdict verdict)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.Services.AddSingleton<IFatalErrorHandler>(verdict); // Orleans' own ends the process (the test host) when the members vote it dead
            silo.Configure<ClusterOptions>(o => { o.ClusterId = RangeClusterOptions.DefaultClusterId; o.ServiceId = RangeClusterOptions.DefaultServiceId; });
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse($"{_cluster.Redis.ConnectionString},password={Password}"));
            silo.ConfigureEndpoints(IPAddress.Loopback, ServiceProcess.FreeLoopbackPort(), ServiceProcess.FreeLoopbackPort());
            silo.Configure<ClusterMembershipOptions>(o => MembershipSettings.Fast.Apply(o, null));
            silo.UseTls(certificate, o =>
            {
                o.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
                o.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
                o.AllowAnyRemoteCertificate();
            });
        });
        return builder.Build();
    }

    // What the bare silo's membership said of it: "I have been told I am dead" (recorded, not Environment.FailFast).
    private sealed class Verdict : IFatalErrorHandler
    {
        public TaskCompletionSource<string> Dead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) => Dead.TrySetResult(context ?? "");
    }

    public void Dispose()
    {
        _cluster?.Dispose();
        _ca.Dispose();
    }
}
