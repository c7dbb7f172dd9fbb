using RangeOrleans.Hosting;
using RangeOrleans.Testing;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// What a silo or client does with bad credentials before it gets anywhere: a Redis that wants a password it was not
/// given, TLS files that are missing, garbage or from another CA. One line on stderr, exit 2, and never the password.
/// </summary>
public sealed class ClusterCredentialsTests
{
    private const string Password = "test-redis-password-77aa";

    [Fact]
    public async Task A_silo_without_the_redis_password_is_refused_with_one_line()
    {
        using var redis = new RedisProcess(password: Password);
        var results = await Task.WhenAll(
            RangeCli.Start(["silo", "--cluster", redis.ConnectionString]).Result,
            RangeCli.Start(["silo", "--cluster", redis.ConnectionString], new Dictionary<string, string> { [RedisConnection.PasswordVariable] = "not-" + Password }).Result,
            RangeCli.Start(["jobs", "--cluster", redis.ConnectionString + ",password=wrong-" + Password]).Result);

        foreach (var result in results)
        {
            Assert.True(result.ExitCode == 2, result.ToString());
            var error = Assert.Single(result.Error.Trim().Split('\n'), line => line.StartsWith("error:", StringComparison.Ordinal));
            Assert.Contains("Redis refused", error);
            Assert.Contains(RedisConnection.PasswordVariable, error);
            Assert.DoesNotContain(" at ", result.Error); // no stack trace
            Assert.DoesNotContain(Password, result.ToString());
        }
    }

    [Fact]
    public async Task Bad_tls_files_end_in_one_line_naming_the_file_and_exit_2()
    {
        using var ca = new TestCertificates();
        using var other = new TestCertificates("another CA");
        var silo = ca.Issue("silo", server: true);
        var client = ca.Issue("client", server: false);
        var garbage = Path.Combine(ca.Folder, "garbage.crt");
        File.WriteAllText(garbage, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        string missing = Path.Combine(ca.Folder, "missing.crt");
        (string[] Tls, string Named)[] cases =
        [
            (["--tls-cert", missing, "--tls-key", silo.Key, "--tls-ca", ca.AuthorityFile], missing),
            (["--tls-cert", garbage, "--tls-key", silo.Key, "--tls-ca", ca.AuthorityFile], garbage),
            (["--tls-cert", silo.Certificate, "--tls-key", client.Key, "--tls-ca", ca.AuthorityFile], silo.Certificate), // key of another certificate
            (["--tls-cert", silo.Certificate, "--tls-key", silo.Key, "--tls-ca", garbage], garbage),
            (["--tls-cert", silo.Certificate, "--tls-key", silo.Key, "--tls-ca", other.AuthorityFile], silo.Certificate),
            (["--tls-cert", silo.Certificate, "--tls-key", silo.Key], "--tls-ca"),
        ];
        var results = await Task.WhenAll(cases.Select(c => RangeCli.Start(["jobs", "--cluster", "127.0.0.1:1", .. c.Tls]).Result));
        for (int i = 0; i < cases.Length; i++)
        {
            Assert.True(results[i].ExitCode == 2, $"{string.Join(' ', cases[i].Tls)}: {results[i]}");
            var error = Assert.Single(results[i].Error.Trim().Split('\n'));
            Assert.Contains(cases[i].Named, error);
        }

        // A client's certificate cannot make a silo (it lacks serverAuth): refused before anything connects.
        var asSilo = await RangeCli.Start(["silo", "--cluster", "127.0.0.1:1", "--tls-cert", client.Certificate, "--tls-key", client.Key, "--tls-ca", ca.AuthorityFile]).Result;
        Assert.True(asSilo.ExitCode == 2 && asSilo.Error.Contains("serverAuth"), asSilo.ToString());
    }

    [Fact]
    public async Task Bad_cluster_secrets_end_in_one_line_naming_the_file_and_exit_2()
    {
        using var ca = new TestCertificates();
        string[] tls = LocalCluster.TlsArguments(ca.Issue("silo", server: true), ca.AuthorityFile);
        string missing = Path.Combine(ca.Folder, "missing-secret"), tooShort = Path.Combine(ca.Folder, "short-secret");
        File.WriteAllText(tooShort, new string('a', ClusterSecret.MinimumBytes - 1) + "\n");
        (string[] Arguments, Dictionary<string, string> Environment, string Named)[] cases =
        [
            (["--cluster-secret-file", missing], [], missing),
            (["--cluster-secret-file", tooShort, .. tls], [], tooShort),
            ([], new() { [ClusterSecret.FileVariable] = missing }, missing),
            (tls, [], "--cluster-secret-file"), // TLS without a secret: a client could pass for a silo through a gateway
        ];
        var results = await Task.WhenAll(cases.Select(c => RangeCli.Start(["silo", "--cluster", "127.0.0.1:1", .. c.Arguments], c.Environment).Result));
        for (int i = 0; i < cases.Length; i++)
        {
            Assert.True(results[i].ExitCode == 2, $"{string.Join(' ', cases[i].Arguments)}: {results[i]}");
            var error = Assert.Single(results[i].Error.Trim().Split('\n'));
            Assert.StartsWith("error:", error);
            Assert.Contains(cases[i].Named, error);
        }
    }

    [Fact]
    public void Connection_strings_are_shown_without_their_password()
    {
        Assert.Equal("redis:6379,user=range,password=*****,ssl=true", RedisConnection.Display($"redis:6379,user=range,password={Password},ssl=true"));
        Assert.Equal("redis:6379,Password =*****", RedisConnection.Display($"redis:6379,Password ={Password}"));
        var error = Assert.Throws<ArgumentException>(() => RedisConnection.Parse($"redis:6379,password={Password},nonsense=1", null));
        Assert.DoesNotContain(Password, error.Message);
    }
}
