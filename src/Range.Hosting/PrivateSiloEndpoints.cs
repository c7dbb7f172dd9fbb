using Microsoft.AspNetCore.Connections;
using Orleans.Configuration;

namespace RangeOrleans.Hosting;

/// <summary>
/// The endpoints of a silo that lives inside one command (<c>range map</c>, <c>embed</c>, <c>pipeline</c>,
/// <c>bank build</c>, <c>pretrain</c> without <c>--cluster</c>): it runs with its user's rights and unrestricted roots, so
/// no other process may reach it. It has no gateway (the command uses the silo's hosted client), and its silo port, which
/// Orleans always opens, closes every connection before reading a byte: a one-silo cluster never receives one.
/// </summary>
public static class PrivateSiloEndpoints
{
    public static ISiloBuilder UsePrivateEndpoints(this ISiloBuilder silo, int siloPort)
    {
        silo.UseLocalhostClustering(siloPort, gatewayPort: 0); // gateway port 0: no gateway listener
        return silo.Configure<SiloConnectionOptions>(o => o.ConfigureSiloInboundConnection(c => c.Use(_ => Refuse)));
    }

    private static Task Refuse(ConnectionContext connection)
    {
        connection.Abort(new ConnectionAbortedException("this silo belongs to one command and accepts no connection"));
        return Task.CompletedTask;
    }
}
