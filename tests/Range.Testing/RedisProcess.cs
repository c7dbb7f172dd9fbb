using System.Globalization;

namespace RangeOrleans.Testing;

/// <summary>
/// redis-server on a free loopback port with its files in a temporary folder. Not persistent by default;
/// <c>persistent: true</c> turns on the append-only file so data survives <see cref="ServiceProcess.Restart"/>.
/// </summary>
public sealed class RedisProcess : ServiceProcess
{
    private readonly bool _persistent;

    public RedisProcess() : this(persistent: false) { }

    public RedisProcess(bool persistent) : base("redis-server", "install with: apt-get install -y redis-server")
    {
        _persistent = persistent;
        StartOrDispose();
    }

    /// <summary>"127.0.0.1:PORT", as StackExchange.Redis and Orleans' Redis providers take it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    protected override IEnumerable<string> Arguments() =>
    [
        "--port", Port.ToString(CultureInfo.InvariantCulture),
        "--bind", "127.0.0.1",
        "--save", "",
        "--appendonly", _persistent ? "yes" : "no",
        "--appendfsync", "always",
        "--dir", DataFolder,
    ];
}
