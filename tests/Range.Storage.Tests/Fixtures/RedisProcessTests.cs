using System.Net.Sockets;
using System.Text;

namespace RangeOrleans.Storage.Tests.Fixtures;

/// <summary>The Redis fixture the cluster tests use: it answers, and persistence survives a restart.</summary>
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

    // One inline command over RESP; bulk replies joined onto one line ("$1 v").
    private static string Command(RedisProcess redis, string command)
    {
        using var client = new TcpClient("127.0.0.1", redis.Port);
        using var stream = client.GetStream();
        stream.Write(Encoding.ASCII.GetBytes(command + "\r\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var first = reader.ReadLine()!;
        return first.StartsWith('$') && first != "$-1" ? first + " " + reader.ReadLine() : first;
    }
}
