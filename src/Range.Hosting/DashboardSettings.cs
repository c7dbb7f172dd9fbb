using System.Net;

namespace RangeOrleans.Hosting;

/// <summary>
/// Where a silo serves the Orleans dashboard and the jobs page (<c>range silo --dashboard-port</c>), and the password that
/// protects them. Bound to loopback unless told otherwise; an address other machines can reach needs a password.
/// </summary>
public sealed record DashboardSettings
{
    /// <summary>The password (basic auth, user <see cref="User"/>), from the environment or a secret mounted into it.</summary>
    public const string PasswordVariable = "RANGE_DASHBOARD_PASSWORD";

    public const string User = "range";

    public required int Port { get; init; }

    /// <summary>The address to listen on: 127.0.0.1 (default), ::1, or e.g. 0.0.0.0 with a password.</summary>
    public string Host { get; init; } = "127.0.0.1";

    public string? Password { get; init; }

    /// <summary>Checks the settings; ArgumentException naming the option and the fix.</summary>
    public void Validate()
    {
        if (Port is < 1 or > 65535) throw new ArgumentException($"--dashboard-port {Port}: expected a TCP port in [1, 65535]");
        if (!IPAddress.TryParse(Host, out var address))
            throw new ArgumentException($"--dashboard-host '{Host}': expected an IP address to listen on (127.0.0.1, ::1, 0.0.0.0)");
        if (!IPAddress.IsLoopback(address) && string.IsNullOrEmpty(Password))
            throw new ArgumentException($"--dashboard-host {Host}: other machines could reach the dashboard; set {PasswordVariable} to protect it (basic auth, user '{User}') or keep 127.0.0.1");
    }

    public IPAddress Address => IPAddress.Parse(Host);
}
