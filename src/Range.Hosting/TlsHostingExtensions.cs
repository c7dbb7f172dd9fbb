using System.Security.Cryptography.X509Certificates;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace RangeOrleans.Hosting;

/// <summary>
/// Puts <see cref="ClusterTls"/> on Orleans' connections. Orleans' own <c>UseTls</c> gives the silo port and the gateway
/// the same peer check; here the silo port accepts silos' certificates only and the gateway clients' and silos'.
/// </summary>
public static class TlsHostingExtensions
{
    public static ISiloBuilder UseRangeTls(this ISiloBuilder silo, ClusterTls tls)
    {
        if (!tls.IsServer(tls.Certificate))
            throw new ArgumentException($"TLS certificate '{tls.Certificate.Subject}' is a client's: a silo's certificate must allow serverAuth as well as clientAuth (docs/security.md)");
        var silos = Options(tls, tls.IsServer);
        var members = Options(tls, tls.IsMember);
        return silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(c => c.UseServerTls(silos));
            o.ConfigureSiloOutboundConnection(c => c.UseClientTls(silos));
            o.ConfigureGatewayInboundConnection(c => c.UseServerTls(members));
        });
    }

    public static IClientBuilder UseRangeTls(this IClientBuilder client, ClusterTls tls)
    {
        var gateways = Options(tls, tls.IsServer);
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
