using System.Text.RegularExpressions;

namespace RangeOrleans.Cli.Tests.Deployment;

/// <summary>
/// The images' build context (the repository root, <c>COPY . .</c> in infra/docker/Dockerfile.*) leaves out
/// build outputs and .git by .dockerignore, and keeps what the Dockerfiles build from.
/// </summary>
public class DockerContextTests
{
    /// <summary>
    /// Docker's rule (moby patternmatcher): each line a path pattern from the context root (<c>*</c> and
    /// <c>?</c> within one name, <c>**</c> across folders, <c>!</c> re-includes); a path is left out when it or
    /// a folder above it matches, the last matching line deciding.
    /// </summary>
    private static bool Excluded(IReadOnlyList<string> patterns, string path)
    {
        bool excluded = false;
        foreach (var line in patterns)
        {
            bool include = line.StartsWith('!');
            var pattern = (include ? line[1..] : line).Trim().TrimStart('/');
            var regex = new Regex("^" + Regex.Escape(pattern).Replace(@"\*\*/", "(.*/)?").Replace(@"\*\*", ".*").Replace(@"\*", "[^/]*").Replace(@"\?", "[^/]") + "$");
            var parts = path.Split('/');
            if (Enumerable.Range(1, parts.Length).Any(n => regex.IsMatch(string.Join('/', parts[..n])))) excluded = !include;
        }
        return excluded;
    }

    private static List<string> Patterns()
    {
        var file = Path.Combine(TestData.RepoDir, ".dockerignore");
        Assert.True(File.Exists(file), ".dockerignore is missing at the repository root");
        return File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    [Theory]
    [InlineData("src/Range.Cli/bin/Release/net10.0/range.dll")]
    [InlineData("src/Range.Core/obj/project.assets.json")]
    [InlineData("tests/Range.Core.Tests/bin/Debug/net10.0/libtorch_cpu.so")]
    [InlineData("out/map/shards/t-0-0.arrow")]
    [InlineData("artifacts/bench.json")]
    [InlineData("tests/Range.Cli.Tests/TestResults/run.trx")]
    [InlineData(".git/objects/pack/pack-1.pack")]
    public void BuildOutputsAndGitStayOutOfTheImageContext(string path) => Assert.True(Excluded(Patterns(), path), path);

    [Fact]
    public void WhatTheDockerfilesBuildFromIsInTheContext()
    {
        var patterns = Patterns();
        var dockerfiles = Directory.GetFiles(Path.Combine(TestData.RepoDir, "infra", "docker"), "Dockerfile.*");
        Assert.NotEmpty(dockerfiles);
        Assert.All(dockerfiles, f => Assert.Contains("COPY . .", File.ReadAllText(f)));
        var needed = new[] { "Directory.Build.props", "Directory.Packages.props", "Directory.Build.targets", "build/TorchSharpNativeFix.targets", "RangeOrleans.sln" }
            .Concat(Directory.GetFiles(Path.Combine(TestData.RepoDir, "src"), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(TestData.RepoDir, f).Replace('\\', '/'))
                .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal)))
            .Concat(Directory.GetFiles(Path.Combine(TestData.RepoDir, "samples", "models")).Select(f => "samples/models/" + Path.GetFileName(f)));
        Assert.All(needed, p => Assert.False(Excluded(patterns, p), $"{p} is left out of the build context"));
    }
}
