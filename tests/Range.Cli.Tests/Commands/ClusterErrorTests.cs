using System.Net;
using System.Net.Sockets;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>
/// Operator mistakes that need no running cluster, through the real `range` entry point: one line naming the problem
/// and the fix, no stack trace, exit 3 when the cluster cannot be reached and 2 for bad input (docs/cluster.md).
/// </summary>
public sealed class ClusterErrorTests : IDisposable
{
    private static readonly string Checkpoint = TestData.Fixture("satclip_l10/satclip.ckpt");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("jobs")]
    [InlineData("status", "some-job")]
    [InlineData("cancel", "some-job")]
    public void ACommandWithNothingListeningAtTheClusterEndsQuicklyInOneLineWithExitThree(params string[] command)
    {
        string cluster = $"127.0.0.1:{UnusedPort()}";
        var run = CliRunner.Run([.. command, "--cluster", cluster]);
        // About 2 s on an idle machine (Redis' connect timeout is 5 s); the bound is a hang guard for a loaded CI machine.
        Assert.True(run.Elapsed < TimeSpan.FromSeconds(30), $"took {run.Elapsed}");
        Assert.True(run.ExitCode == 3, run.Error + run.Output);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: cannot reach the cluster at {cluster} (It was not possible to connect to the redis server(s)); " +
            $"check that Redis runs there and a `range silo --cluster {cluster}` has joined; " +
            "if its silos use TLS, give this client a certificate from their CA (--tls-cert, --tls-key, --tls-ca; docs/security.md)", line.Trim());
        Assert.Empty(run.Output);
    }

    [Fact]
    public void TheRuntimeLogAndTheFailureGoToTheLogFileAndVerboseShowsThemOnStderr()
    {
        var log = _dir.File("range.log");
        Environment.SetEnvironmentVariable(Terminal.CommandLog.EnvironmentVariable, log);
        try
        {
            var quiet = CliRunner.Run("jobs", "--cluster", $"127.0.0.1:{UnusedPort()}");
            Assert.Equal(3, quiet.ExitCode);
            Assert.Contains("RedisConnectionException", File.ReadAllText(log)); // the stack trace is in the file
            var verbose = CliRunner.Run("jobs", "--cluster", $"127.0.0.1:{UnusedPort()}", "--verbose");
            Assert.Equal(3, verbose.ExitCode);
            Assert.Contains("   at ", verbose.Error);
        }
        finally { Environment.SetEnvironmentVariable(Terminal.CommandLog.EnvironmentVariable, null); }
    }

    [Theory]
    [InlineData("submit")]
    [InlineData("map")]
    public void ARelativeDestinationWithClusterIsRefusedBeforeConnecting(string command)
    {
        var run = CliRunner.Run(command, "--cluster", "127.0.0.1:1", "--checkpoint", Checkpoint, "--model", "satclip", "--fibonacci", "1000", "--out", "out/rel");
        Assert.True(run.ExitCode == 2, run.Error + run.Output);
        Assert.StartsWith("error: --output 'out/rel': a relative path with --cluster (the silos may run in other folders or on other machines); give an absolute path", run.Error.Trim());
        Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void AMapOntoAFileOrAnEmbedOntoAFolderIsRefusedBeforeAnyCompute()
    {
        var file = _dir.File("taken.txt");
        File.WriteAllText(file, "not a folder");
        var map = CliRunner.Run("map", "--checkpoint", Checkpoint, "--model", "satclip", "--fibonacci", "1000", "--out", file);
        Assert.True(map.ExitCode == 2, map.Error + map.Output);
        Assert.Equal($"error: --output '{file}' is a file; give a folder (it gets the job's files), e.g. {file}.d", map.Error.Trim());
        Assert.Equal("not a folder", File.ReadAllText(file));

        var embed = CliRunner.Run("embed", "--checkpoint", Checkpoint, "--model", "satclip", "--input", TestData.Fixture("satclip_l10/points.csv"), "--output", _dir.Path);
        Assert.True(embed.ExitCode == 2, embed.Error + embed.Output);
        Assert.StartsWith($"error: --output '{_dir.Path}' is a directory; give a file path", embed.Error.Trim());
    }

    [Fact]
    public void AnUnknownMembershipProfileIsBadInput()
    {
        var run = CliRunner.Run("silo", "--cluster", "127.0.0.1:1", "--membership", "eager");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --membership 'eager': expected production or fast (or set RANGE_MEMBERSHIP)", run.Error.Trim());
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
