using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RangeOrleans.Hosting;

/// <summary>
/// Mutual TLS between silos and between clients and gateways: this process' certificate (with its private key) and the
/// certificate authorities its peers' certificates must chain to. Only those authorities are trusted (never the
/// machine's store), and every peer must present a certificate. A silo's certificate carries the serverAuth usage
/// (it accepts connections) as well as clientAuth and the role OU=silo; a client's carries clientAuth and OU=client
/// (<see cref="ClusterRole"/>), so neither a client's nor Redis' certificate can join the cluster as a silo, and a
/// silo's cannot use a gateway. docs/security.md says how to make them.
/// </summary>
public sealed class ClusterTls
{
    public const string CertificateVariable = "RANGE_TLS_CERT";
    public const string KeyVariable = "RANGE_TLS_KEY";
    public const string AuthorityVariable = "RANGE_TLS_CA";

    /// <summary>Password of a PFX file or of an encrypted PEM key; only from the environment (a command line is visible to every user of the machine).</summary>
    public const string PasswordVariable = "RANGE_TLS_KEY_PASSWORD";

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    /// <summary>This process' certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The CA bundle: peers' certificates must chain to one of these.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <summary>
    /// The TLS settings from files: <paramref name="certificate"/> (PEM with <paramref name="key"/>, or a .pfx/.p12 holding
    /// the key) and the CA bundle <paramref name="authority"/> (PEM, one or more certificates). Each argument left null
    /// comes from its environment variable (<see cref="CertificateVariable"/> ...). Null when neither names a
    /// certificate nor a CA (TLS off); ArgumentException (exit 2) naming the file and what is wrong with it otherwise.
    /// </summary>
    public static ClusterTls? Load(string? certificate = null, string? key = null, string? authority = null)
    {
        certificate ??= FromEnvironment(CertificateVariable);
        key ??= FromEnvironment(KeyVariable);
        authority ??= FromEnvironment(AuthorityVariable);
        if (certificate is null && authority is null && key is null) return null;
        if (certificate is null) throw new ArgumentException($"TLS: a CA bundle or key was given but no certificate; give --tls-cert (or {CertificateVariable}) too");
        if (authority is null) throw new ArgumentException($"TLS: a certificate was given but no CA bundle; give --tls-ca (or {AuthorityVariable}), the CA that signed every silo's and client's certificate");
        var own = LoadCertificate(certificate, key, Environment.GetEnvironmentVariable(PasswordVariable));
        var authorities = LoadAuthorities(authority);
        var tls = new ClusterTls(own, authorities);
        if (!tls.Chains(own, ClientAuthentication, out var why))
            throw new ArgumentException($"TLS certificate '{certificate}' is not usable with the CA bundle '{authority}': {why}");
        return tls;
    }

    /// <summary>Whether <paramref name="peer"/> is a server's certificate (a silo's, or Redis') from one of <see cref="Authorities"/>.</summary>
    public bool IsServer(X509Certificate2 peer) => Chains(peer, ServerAuthentication, out _);

    /// <summary>Whether <paramref name="peer"/> is a silo's certificate from one of <see cref="Authorities"/>: serverAuth and <see cref="ClusterRole.Silo"/> (silo port; a gateway, to a client).</summary>
    public bool IsSilo(X509Certificate2 peer) => ClusterRole.Of(peer) == ClusterRole.Silo && Chains(peer, ServerAuthentication, out _);

    /// <summary>Whether <paramref name="peer"/> is a client's certificate from one of <see cref="Authorities"/>: clientAuth and <see cref="ClusterRole.Client"/> (gateway port).</summary>
    public bool IsClient(X509Certificate2 peer) => ClusterRole.Of(peer) == ClusterRole.Client && Chains(peer, ClientAuthentication, out _);

    /// <summary>Whether <paramref name="peer"/> chains to one of <see cref="Authorities"/> (and nothing else), is in its validity period and, when it lists usages, allows <paramref name="usage"/>.</summary>
    public bool Chains(X509Certificate2 peer, Oid usage, out string why)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.ExtraStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck; // a private CA rarely publishes revocation lists; rotate instead (docs/security.md)
        chain.ChainPolicy.ApplicationPolicy.Add(usage);
        if (chain.Build(peer))
        {
            why = "";
            return true;
        }
        why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        if (why.Length == 0) why = "its chain does not end at a CA of the bundle";
        return false;
    }

    private static X509Certificate2 LoadCertificate(string path, string? keyPath, string? password)
    {
        Require(path, "certificate");
        if (!IsPkcs12(path))
        {
            if (keyPath is null) throw new ArgumentException($"TLS certificate '{path}' is PEM: give its private key with --tls-key (or {KeyVariable}), or a .pfx holding both");
            Require(keyPath, "private key");
        }
        try
        {
            if (IsPkcs12(path)) return X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            return password is null ? X509Certificate2.CreateFromPemFile(path, keyPath) : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath!);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException) // ArgumentException: a key that is not the certificate's
        {
            throw new ArgumentException($"TLS certificate '{path}'{(keyPath is null ? "" : $" with key '{keyPath}'")} cannot be read: {e.Message.Trim().TrimEnd('.')} " +
                $"(a PEM certificate and its PEM key, or a .pfx with {PasswordVariable} when it has a password)");
        }
    }

    private static X509Certificate2Collection LoadAuthorities(string path)
    {
        Require(path, "CA bundle");
        var authorities = new X509Certificate2Collection();
        try { authorities.ImportFromPemFile(path); }
        catch (CryptographicException e) { throw new ArgumentException($"TLS CA bundle '{path}' cannot be read: {e.Message.Trim().TrimEnd('.')} (PEM certificates expected)"); }
        if (authorities.Count == 0) throw new ArgumentException($"TLS CA bundle '{path}' holds no PEM certificate");
        return authorities;
    }

    private static void Require(string path, string what)
    {
        if (!File.Exists(path)) throw new ArgumentException($"TLS {what} '{path}' does not exist");
    }

    private static bool IsPkcs12(string path) =>
        path.EndsWith(".pfx", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".p12", StringComparison.OrdinalIgnoreCase);

    private static string? FromEnvironment(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}
