using System.Security.Cryptography.X509Certificates;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace RangeOrleans.Hosting;

/// <summary>
/// Puts <see cref="ClusterTls"/> on Orleans' connections. Orleans' own <c>UseTls</c> gives the silo port and the gateway
/// the same peer check; here each checks the peer's role (<see cref="ClusterRole"/>): the silo port accepts silos'
/// certificates only, the gateway clients' only, and a client talks only to a gateway holding a silo's.
/// </summary>
public static class TlsHostingExtensions
{
    public static ISiloBuilder UseRangeTls(this ISiloBuilder silo, ClusterTls tls)
    {
        if (!tls.IsServer(tls.Certificate))
            throw new ArgumentException($"TLS certificate '{tls.Certificate.Subject}' is a client's: a silo's certificate must allow serverAuth as well as clientAuth (docs/security.md)");
        if (ClusterRole.Of(tls.Certificate) != ClusterRole.Silo)
            throw new ArgumentException($"TLS certificate '{tls.Certificate.Subject}' is not a silo's: its subject must have OU={ClusterRole.Silo} (scripts/make-certs.sh; docs/security.md)");
        var silos = Options(tls, tls.IsSilo);
        var clients = Options(tls, tls.IsClient);
        return silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(c => c.UseServerTls(silos));
            o.ConfigureSiloOutboundConnection(c => c.UseClientTls(silos));
            o.ConfigureGatewayInboundConnection(c => c.UseServerTls(clients));
        });
    }

    public static IClientBuilder UseRangeTls(this IClientBuilder client, ClusterTls tls)
    {
        var gateways = Options(tls, tls.IsSilo);
        return client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(c => c.UseClientTls(gateways)));
    }

    private static TlsOptions Options(ClusterTls tls, Func<X509Certificate2, bool> accepts) => new()
    {
        LocalCertificate = tls.Certificate,
        RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
        ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
        // The chain is built again against the CA bundle alone; the machine's trust store and host names do not count
        // (silos are reached at the addresses membership lists, and the CA is what vouches for a member).
        RemoteCertificateValidation = (certificate, _, _) => accepts(certificate),
    };
}
