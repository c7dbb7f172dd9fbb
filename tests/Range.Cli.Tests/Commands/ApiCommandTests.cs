using RangeOrleans.Cli.Terminal;
using RangeOrleans.Hosting.Api;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>
/// `range api token add` prints a token once and stores only its SHA-256 (owner-only, replaced whole); `range api` refuses
/// to start with a line naming what is missing. The front end itself is tested against a real cluster (Range.Cluster.Tests ApiTests).
/// </summary>
public sealed class ApiCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"range-api-cli-{Guid.NewGuid():N}")).FullName;

    private string Tokens => Path.Combine(_folder, "tokens.json");

    [Fact]
    public void TokenAddPrintsTheTokenOnceAndStoresOnlyItsHash()
    {
        var added = CliRunner.Run("api", "token", "add", "--tokens", Tokens, "--name", "alice", "--data-root", _folder, "--rate", "60", "--concurrency", "4");
        Assert.True(added.ExitCode == 0, added.Error);
        string token = added.Output.Trim();
        Assert.StartsWith("rng_", token);
        string stored = File.ReadAllText(Tokens);
        Assert.DoesNotContain(token, stored);
        var only = Assert.Single(ApiTokenFile.Read(Tokens));
        Assert.Equal(ApiTokenFile.HashOf(token), only.Sha256);
        Assert.Equal(("alice", 60, 4), (only.Name, only.RequestsPerMinute, only.MaxConcurrent));
        Assert.Equal([_folder], only.DataRoots);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Tokens));

        var again = CliRunner.Run("api", "token", "add", "--tokens", Tokens, "--name", "alice");
        Assert.Equal(CliError.BadInput, again.ExitCode);
        Assert.Contains("--name 'alice'", again.Error);
        Assert.Single(ApiTokenFile.Read(Tokens)); // the file is as it was
    }

    [Fact]
    public void ApiRefusesToStartWithoutClusterTokensOrAReadableTokensFile()
    {
        var noCluster = CliRunner.Run("api", "--tokens", Tokens);
        Assert.Equal(CliError.BadInput, noCluster.ExitCode);
        Assert.Contains("--cluster", noCluster.Error);

        var noTokens = CliRunner.Run("api", "--cluster", "127.0.0.1:1", "--tokens", Tokens);
        Assert.Equal(CliError.BadInput, noTokens.ExitCode);
        Assert.Contains("no tokens", noTokens.Error);

        File.WriteAllText(Tokens, "[{\"name\": \"x\"");
        var corrupt = CliRunner.Run("api", "--cluster", "127.0.0.1:1", "--tokens", Tokens);
        Assert.Equal(CliError.BadInput, corrupt.ExitCode);
        Assert.Contains(Tokens, corrupt.Error);

        var badPort = CliRunner.Run("api", "--cluster", "127.0.0.1:1", "--tokens", Tokens, "--port", "70000");
        Assert.Equal(CliError.BadInput, badPort.ExitCode);
        Assert.Contains("--port 70000", badPort.Error);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
