using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RangeOrleans.Testing;

/// <summary>
/// A throw-away certificate authority for one test, its certificate and the ones it issues written as PEM files in a
/// temporary folder (deleted on dispose): what `openssl` makes in docs/security.md, made with .NET's CertificateRequest.
/// Servers' certificates (silos, Redis) allow serverAuth and clientAuth and name 127.0.0.1 and localhost; clients' allow clientAuth only.
/// Each names its role in its subject's OU as scripts/make-certs.sh does: silo (servers by default), client, or what the caller says.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly ECDsa _authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _authority;

    public TestCertificates(string name = "range test CA")
    {
        Folder = Path.Combine(Path.GetTempPath(), $"range-certs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        var request = new CertificateRequest($"CN={name}", _authorityKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        _authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
        AuthorityFile = Path.Combine(Folder, "ca.crt");
        File.WriteAllText(AuthorityFile, _authority.ExportCertificatePem());
    }

    public string Folder { get; }

    /// <summary>The CA's certificate (PEM): the bundle every member trusts.</summary>
    public string AuthorityFile { get; }

    /// <summary>A certificate and its private key, as PEM files.</summary>
    public sealed record Files(string Certificate, string Key);

    /// <summary>Issues a certificate for <paramref name="name"/>: a server's (silo, Redis) or a client's, with OU=<paramref name="role"/> (default: silo for a server, client otherwise).</summary>
    public Files Issue(string name, bool server, string? role = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}, OU={role ?? (server ? "silo" : "client")}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") };
        if (server) usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_authority, true, false));
        using var certificate = request.Create(_authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var files = new Files(Path.Combine(Folder, name + ".crt"), Path.Combine(Folder, name + ".key"));
        File.WriteAllText(files.Certificate, certificate.ExportCertificatePem());
        File.WriteAllText(files.Key, key.ExportPkcs8PrivateKeyPem());
        return files;
    }

    public void Dispose()
    {
        _authority.Dispose();
        _authorityKey.Dispose();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}
