using System.Net;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using RangeOrleans.Grains.Models;

namespace RangeOrleans.Hosting;

/// <summary>
/// A silo's health over HTTP, for Kubernetes probes and compose healthchecks. GET /healthz: 200 while the process serves
/// (liveness). GET /readyz: 200 once the silo is an active member of its cluster and its model cache folder can be
/// written (tried at most once a minute while it can), else 503 with one line naming what is missing (readiness). It starts before the silo joins, so liveness
/// holds during a slow join. HttpListener (in the base library) rather than ASP.NET Core: two fixed answers need no web
/// framework, and the silo gains no Kestrel dependency or second host.
/// </summary>
public sealed class SiloHealthEndpoint(string host, int port, IServiceProvider services, IOptions<ModelReplicaOptions> replicas, ILogger<SiloHealthEndpoint> logger)
    : BackgroundService
{
    public const string Liveness = "/healthz";
    public const string Readiness = "/readyz";

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // The address it is told (range silo --health-host, default 127.0.0.1); "*" only for 0.0.0.0.
        string name = host is "0.0.0.0" or "*" ? "*" : host;
        _listener.Prefixes.Add($"http://{name}:{port}/");
        _listener.Start(); // a port in use fails the silo's start, naming it
        logger.LogInformation("health endpoint: http://{Host}:{Port}{Liveness} and {Readiness}", name, port, Liveness, Readiness);
        return base.StartAsync(cancellationToken);
    }

    private readonly HttpListener _listener = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(_listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) when (stoppingToken.IsCancellationRequested) { break; }
            try { Answer(context); }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException) { } // the prober hung up
        }
    }

    public override void Dispose()
    {
        _listener.Close();
        base.Dispose();
    }

    private void Answer(HttpListenerContext context)
    {
        var (status, text) = context.Request.Url?.AbsolutePath switch
        {
            Liveness => (200, "ok"),
            Readiness => NotReady() is { } why ? (503, why) : (200, "ready"),
            _ => (404, $"not found: {Liveness} or {Readiness}"),
        };
        var body = Encoding.UTF8.GetBytes(text + "\n");
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength64 = body.Length;
        context.Response.OutputStream.Write(body);
        context.Response.Close();
    }

    /// <summary>Null when ready; else what is missing.</summary>
    private string? NotReady()
    {
        // Resolved here, not injected: the silo's services exist only once its host has built them.
        var membership = (IClusterMembershipService?)services.GetService(typeof(IClusterMembershipService));
        var silo = (ILocalSiloDetails?)services.GetService(typeof(ILocalSiloDetails));
        if (membership is null || silo is null) return "the silo has not started";
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        if (status != SiloStatus.Active) return $"not an active member of the cluster ({status})";
        return CacheNotWritable();
    }

    // The model cache is probed by writing a file at most once per CacheCheckInterval while it works (a probe every few
    // seconds need not write to disk every time), and on every /readyz while it fails.
    private static readonly TimeSpan CacheCheckInterval = TimeSpan.FromMinutes(1);
    private DateTime _cacheWritableUntil;

    private string? CacheNotWritable()
    {
        if (DateTime.UtcNow < _cacheWritableUntil) return null;
        string folder = replicas.Value.CacheFolder;
        try
        {
            RangeOrleans.Storage.UserCacheFolder.CreateOwnerOnly(folder);
            var probe = Path.Combine(folder, $".ready-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"the model cache {folder} cannot be written: {e.Message}";
        }
        _cacheWritableUntil = DateTime.UtcNow + CacheCheckInterval;
        return null;
    }
}
