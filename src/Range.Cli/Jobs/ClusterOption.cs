using System.CommandLine;
using RangeOrleans.Cli.Commands;
using RangeOrleans.Core.Formats;
using RangeOrleans.Hosting;
using RangeOrleans.Storage;

namespace RangeOrleans.Cli.Jobs;

/// <summary>
/// --cluster, the Redis connection string that holds the cluster's membership (and its job state, unless its silos give
/// --state-redis), and the mutual-TLS files
/// (--tls-cert, --tls-key, --tls-ca; else RANGE_TLS_*) of every command that talks to a cluster.
/// </summary>
public sealed class ClusterOption
{
    public ClusterOption(bool required)
    {
        Redis = new("--cluster")
        {
            Description = "Redis connection string of the cluster (e.g. localhost:6379, or redis:6379,user=range,ssl=true; " +
                $"password from {RedisConnection.PasswordVariable}, not the command line). " +
                (required ? "" : "Without it, an in-process silo runs the job (the embedded default)."),
            Required = required,
        };
        Certificate = new("--tls-cert") { Description = $"This process' certificate for mutual TLS with the cluster: PEM (with --tls-key) or .pfx (default {ClusterTls.CertificateVariable}; docs/security.md)." };
        Key = new("--tls-key") { Description = $"PEM private key of --tls-cert (default {ClusterTls.KeyVariable}; an encrypted one's password from {ClusterTls.PasswordVariable})." };
        Authority = new("--tls-ca") { Description = $"PEM CA bundle the cluster's certificates must chain to; no other CA is trusted (default {ClusterTls.AuthorityVariable})." };
    }

    public Option<string> Redis { get; }
    public Option<string?> Certificate { get; }
    public Option<string?> Key { get; }
    public Option<string?> Authority { get; }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Redis, Certificate, Key, Authority }) command.Options.Add(option);
    }

    /// <summary>
    /// The cluster the command line names, with its TLS files loaded (<see cref="ClusterTls.Load"/>; ArgumentException
    /// for a bad file), or null without --cluster (the in-process silo, which has no TLS: it listens on 127.0.0.1 only).
    /// </summary>
    public RangeClusterOptions? Read(ParseResult result)
    {
        string? certificate = result.GetValue(Certificate), key = result.GetValue(Key), authority = result.GetValue(Authority);
        if (result.GetValue(Redis) is not { } redis)
        {
            if (certificate is not null || key is not null || authority is not null)
                throw new ArgumentException("--tls-cert, --tls-key and --tls-ca secure the connection to a cluster: give --cluster too (the in-process silo listens on 127.0.0.1 only)");
            return null;
        }
        return new RangeClusterOptions { Redis = redis, Tls = ClusterTls.Load(certificate, key, authority) };
    }

    /// <summary>
    /// Checks a job's local destination before anything connects or computes (ArgumentException: exit 2): it must not be
    /// a file (it becomes a folder); without --cluster (this process' silo writes it) this process must be able to write
    /// there; with --cluster it must be absolute: the silos that write it may run in other folders or on other machines,
    /// so a path relative to this client's folder would land somewhere else (and only they can tell what they may write).
    /// </summary>
    public static void CheckDestination(string? redis, string? destination, string option = OutputOption.Name)
    {
        if (destination is null || BlobStores.IsAzure(destination)) return;
        if (File.Exists(destination))
            throw new ArgumentException($"{option} '{destination}' is a file; give a folder (it gets the job's files), e.g. {destination}.d");
        if (redis is null) OutputCheck.Folder(destination, option, []);
        if (redis is null || Path.IsPathFullyQualified(destination)) return;
        throw new ArgumentException($"{option} '{destination}': a relative path with --cluster (the silos may run in other folders or on other machines); " +
            $"give an absolute path every silo can reach (e.g. {Path.GetFullPath(destination)}) or az://CONTAINER/PREFIX");
    }
}
