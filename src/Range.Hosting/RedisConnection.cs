using System.Net.Security;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace RangeOrleans.Hosting;

/// <summary>
/// The cluster's Redis as a silo or client connects to it: the StackExchange.Redis connection string of <c>--cluster</c>
/// (<c>host:port,user=U,password=P,ssl=true</c>), its user and password from the environment (or a file it names) when the string has none
/// (so they stay off command lines and out of process lists), and with <c>ssl=true</c> the cluster's CA trusted for
/// Redis' certificate and this process' certificate offered to it. <see cref="Display"/> is the only form logs and
/// messages may show.
/// </summary>
public static partial class RedisConnection
{
    public const string PasswordVariable = "RANGE_REDIS_PASSWORD";

    /// <summary>A file holding the password (a Docker or Kubernetes secret mounted as a file), when <see cref="PasswordVariable"/> is not set.</summary>
    public const string PasswordFileVariable = "RANGE_REDIS_PASSWORD_FILE";
    public const string UserVariable = "RANGE_REDIS_USER";

    /// <param name="option">The option that gave <paramref name="connection"/>, for errors.</param>
    public static ConfigurationOptions Parse(string connection, ClusterTls? tls, string option = "--cluster")
    {
        ConfigurationOptions options;
        try { options = ConfigurationOptions.Parse(connection); }
        catch (ArgumentException e) { throw new ArgumentException($"{option} '{Display(connection)}': {Redact(e.Message)}"); }
        if (options.EndPoints.Count == 0) throw new ArgumentException($"{option} '{Display(connection)}': no Redis host:port in it");
        if (string.IsNullOrEmpty(options.Password) && PasswordFromEnvironment() is { } password) options.Password = password;
        if (string.IsNullOrEmpty(options.User) && Environment.GetEnvironmentVariable(UserVariable) is { Length: > 0 } user) options.User = user;
        if (options.Ssl && tls is not null)
        {
            // A Redis certificate from the cluster's CA is trusted (its host name must still match); one from a public CA too.
            options.CertificateValidation += (_, certificate, _, errors) => errors == SslPolicyErrors.None
                || (errors == SslPolicyErrors.RemoteCertificateChainErrors && certificate is not null
                    && tls.IsServer(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2 ?? new(certificate)));
            // Redis' tls-auth-clients (on by default) asks for a client certificate: members present theirs.
            options.CertificateSelection += (_, _, _, _, _) => tls.Certificate;
        }
        return options;
    }

    private static string? PasswordFromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password) return password;
        if (Environment.GetEnvironmentVariable(PasswordFileVariable) is not { Length: > 0 } file) return null;
        if (!File.Exists(file)) throw new ArgumentException($"{PasswordFileVariable}: '{file}' does not exist");
        return File.ReadAllText(file).TrimEnd('\r', '\n');
    }

    /// <summary><paramref name="connection"/> with its password replaced by <c>*****</c>: what messages and logs show.</summary>
    public static string Display(string connection) => Redact(connection);

    private static string Redact(string text) => PasswordValue().Replace(text, "${key}*****");

    [GeneratedRegex(@"(?<key>password\s*=)[^,]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordValue();
}
