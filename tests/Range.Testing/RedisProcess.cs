using System.Globalization;

namespace RangeOrleans.Testing;

/// <summary>
/// redis-server on a free loopback port with its files in a temporary folder. Not persistent by default;
/// <c>persistent: true</c> turns on the append-only file so data survives <see cref="ServiceProcess.Restart"/>.
/// <c>password</c> makes it refuse connections without it (requirepass, or an ACL user named <c>user</c> with the
/// default user switched off); <c>tls</c> serves TLS only, with a certificate from that test CA (clients need not
/// present one: <c>tls-auth-clients no</c>).
/// </summary>
public sealed class RedisProcess : ServiceProcess
{
    private readonly bool _persistent;
    private readonly string? _password;
    private readonly string? _user;
    private readonly TestCertificates.Files? _certificate;
    private readonly string? _authority;

    public RedisProcess(bool persistent = false, string? password = null, string? user = null, TestCertificates? tls = null)
        : base("redis-server", "install with: apt-get install -y redis-server")
    {
        if (user is not null && password is null) throw new ArgumentException("an ACL user needs a password", nameof(user));
        _persistent = persistent;
        _password = password;
        _user = user;
        _certificate = tls?.Issue($"redis-{Port}", server: true, role: "redis");
        _authority = tls?.AuthorityFile;
        StartOrDispose();
    }

    /// <summary>
    /// "127.0.0.1:PORT" (with ",ssl=true" over TLS), as StackExchange.Redis and Orleans' Redis providers take it; never
    /// the password (processes get it from RANGE_REDIS_PASSWORD, see <see cref="Password"/>).
    /// </summary>
    public string ConnectionString => $"127.0.0.1:{Port}" + (_certificate is null ? "" : ",ssl=true") + (_user is null ? "" : $",user={_user}");

    public string? Password => _password;

    protected override IEnumerable<string> Arguments()
    {
        string port = Port.ToString(CultureInfo.InvariantCulture);
        var arguments = new List<string>
        {
            "--bind", "127.0.0.1",
            "--save", "",
            "--appendonly", _persistent ? "yes" : "no",
            "--appendfsync", "always",
            "--dir", DataFolder,
        };
        if (_certificate is null) arguments.AddRange(["--port", port]);
        else
            arguments.AddRange(["--port", "0", "--tls-port", port, "--tls-cert-file", _certificate.Certificate, "--tls-key-file", _certificate.Key,
                "--tls-ca-cert-file", _authority!, "--tls-auth-clients", "no"]);
        if (_user is not null) arguments.AddRange(["--user", "default", "off", "--user", _user, "on", ">" + _password, "~*", "&*", "+@all"]);
        else if (_password is not null) arguments.AddRange(["--requirepass", _password]);
        return arguments;
    }
}
