using System.Net;

namespace RangeOrleans.Hosting.Api;

/// <summary>Where <c>range api</c> listens and which tokens it knows.</summary>
public sealed record ApiSettings
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 8080;

    /// <summary>The tokens file (<see cref="ApiTokenFile"/>).</summary>
    public required string TokensFile { get; init; }

    /// <summary>The largest request body Kestrel reads at all (endpoints take less: <see cref="JobEndpoints.MaxSpecBytes"/>, <see cref="EmbedEndpoints.MaxBodyBytes"/>).</summary>
    public const long MaxRequestBodyBytes = 8 * 1024 * 1024;

    public IPAddress Address => Host is "*" or "0.0.0.0" ? IPAddress.Any : Host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(Host, out var address) ? address : throw new ArgumentException($"--host '{Host}': expected an IP address (127.0.0.1, 0.0.0.0, ::1)");

    public void Validate()
    {
        _ = Address;
        if (Port is < 1 or > 65535) throw new ArgumentException($"--port {Port}: expected 1 to 65535");
    }
}
