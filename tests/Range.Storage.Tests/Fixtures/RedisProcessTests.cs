using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace RangeOrleans.Storage.Tests.Fixtures;

/// <summary>The Redis fixture the cluster tests use: it answers, persistence survives a restart, a password or TLS locks it.</summary>
public sealed class RedisProcessTests
{
    [Fact]
    public void A_non_persistent_server_answers_and_forgets_on_restart()
    {
        using var redis = new RedisProcess();
        Assert.Equal("+OK", Command(redis, "SET k v"));
        Assert.Equal("$1 v", Command(redis, "GET k"));

        redis.Restart();
        Assert.Equal("$-1", Command(redis, "GET k"));
        Assert.Equal($"127.0.0.1:{redis.Port}", redis.ConnectionString);
    }

    [Fact]
    public void A_persistent_server_keeps_its_data_across_a_restart()
    {
        using var redis = new RedisProcess(persistent: true);
        Assert.Equal("+OK", Command(redis, "SET k v"));

        redis.Stop();
        Assert.False(redis.IsRunning);
        redis.Start();
        Assert.Equal("$1 v", Command(redis, "GET k"));
    }

    [Fact]
    public void Dispose_stops_the_server_and_deletes_its_folder()
    {
        var redis = new RedisProcess(persistent: true);
        var folder = redis.DataFolder;
        redis.Dispose();

        Assert.False(redis.IsRunning);
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public void A_server_with_a_password_refuses_commands_until_authenticated()
    {
        using var redis = new RedisProcess(password: "pw-1");
        Assert.StartsWith("-NOAUTH", Command(redis, "SET k v"));
        Assert.Equal("+OK", Command(redis, "AUTH pw-1", "SET k v"));
        Assert.StartsWith("-WRONGPASS", Command(redis, "AUTH pw-2"));
        Assert.DoesNotContain("pw-1", redis.ConnectionString);
    }

    [Fact]
    public void A_server_with_an_acl_user_lets_in_that_user_only()
    {
        using var redis = new RedisProcess(password: "pw-1", user: "range");
        Assert.StartsWith("-NOAUTH", Command(redis, "GET k"));
        Assert.StartsWith("-WRONGPASS", Command(redis, "AUTH pw-1"));
        Assert.Equal("$-1", Command(redis, "AUTH range pw-1", "GET k"));
        Assert.Equal($"127.0.0.1:{redis.Port},user=range", redis.ConnectionString);
    }

    [Fact]
    public void A_tls_server_answers_over_tls_with_a_certificate_from_the_test_ca_only()
    {
        using var certificates = new TestCertificates();
        using var redis = new RedisProcess(tls: certificates);
        Assert.Equal($"127.0.0.1:{redis.Port},ssl=true", redis.ConnectionString);
        Assert.Equal("+PONG", TlsCommand(redis, certificates.AuthorityFile, "PING"));
        Assert.ThrowsAny<IOException>(() => Command(redis, "PING")); // plain TCP: the server drops it

        using var other = new TestCertificates("another CA");
        Assert.ThrowsAny<System.Security.Authentication.AuthenticationException>(() => TlsCommand(redis, other.AuthorityFile, "PING"));
    }

    private static string TlsCommand(RedisProcess redis, string authorityFile, string command)
    {
        using var client = new TcpClient("127.0.0.1", redis.Port);
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(authorityFile);
        using var tls = new SslStream(client.GetStream(), false, (_, certificate, _, _) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return certificate is X509Certificate2 c && chain.Build(c);
        });
        tls.AuthenticateAsClient("127.0.0.1");
        return Exchange(tls, command);
    }

    // Inline commands over RESP, one after the other; the last one's reply, bulk replies joined onto one line ("$1 v").
    private static string Command(RedisProcess redis, params string[] commands)
    {
        using var client = new TcpClient("127.0.0.1", redis.Port);
        return Exchange(client.GetStream(), commands);
    }

    private static string Exchange(Stream stream, params string[] commands)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        string reply = "";
        foreach (var command in commands)
        {
            stream.Write(Encoding.ASCII.GetBytes(command + "\r\n"));
            stream.Flush();
            var first = reader.ReadLine() ?? throw new IOException("the server closed the connection");
            reply = first.StartsWith('$') && first != "$-1" ? first + " " + reader.ReadLine() : first;
        }
        return reply;
    }
}
