using RangeOrleans.Core.Formats;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>
/// No command overwrites its own input, under any spelling of the path; an output that is a directory or
/// cannot be written is refused with exit 2 before any compute (<see cref="OutputCheck"/>).
/// </summary>
public class OutputCheckTests
{
    private static string F(string name) => TestData.Fixture("satclip_l10/" + name);

    public static TheoryData<string> SameFileSpellings => new() { "same", "dotted", "symlink", "symlinked-folder", "hardlink" };

    /// <summary>Another path to <paramref name="file"/> in <paramref name="dir"/>: the path itself, with ./ and .., a link to it, or a link to its folder.</summary>
    private static string OtherPath(TempDir dir, string file, string how)
    {
        switch (how)
        {
            case "same": return file;
            case "dotted":
                Directory.CreateDirectory(dir.File("sub"));
                return Path.Combine(dir.Path, "sub", ".", "..", Path.GetFileName(file));
            case "symlink": return File.CreateSymbolicLink(dir.File("link-" + Path.GetFileName(file)), file).FullName;
            case "symlinked-folder":
                Directory.CreateSymbolicLink(dir.File("linked"), Path.GetDirectoryName(file)!);
                return Path.Combine(dir.File("linked"), Path.GetFileName(file));
            default:
                var hard = dir.File("hard-" + Path.GetFileName(file));
                using (var ln = System.Diagnostics.Process.Start("ln", [file, hard])!)
                {
                    ln.WaitForExit();
                    Assert.Equal(0, ln.ExitCode);
                }
                return hard;
        }
    }

    private static void AssertRefused(CliRunner.Result result, string mentions)
    {
        Assert.True(result.ExitCode == CliErrorBadInput, $"exit {result.ExitCode}: {result.Error}");
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(mentions, lines[0], StringComparison.Ordinal);
    }

    private const int CliErrorBadInput = 2;

    private static void AssertUntouched(TempDir dir, string file, byte[] before)
    {
        Assert.Equal(before, File.ReadAllBytes(file));
        Assert.DoesNotContain(Directory.EnumerateFiles(dir.Path, "*", SearchOption.AllDirectories), f => f.Contains(".partial-", StringComparison.Ordinal) || f.Contains("probe", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(SameFileSpellings))]
    public void EmbedRefusesAnOutputThatIsItsInput(string spelling)
    {
        using var dir = new TempDir();
        var input = dir.File("in.csv");
        File.Copy(F("points.csv"), input);
        var before = File.ReadAllBytes(input);
        var result = CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", input, "--output", OtherPath(dir, input, spelling));
        AssertRefused(result, "is the same file as the input --input");
        AssertUntouched(dir, input, before);
    }

    [Fact]
    public void EmbedRefusesAnOutputThatIsItsCheckpointOrBank()
    {
        using var dir = new TempDir();
        var ckpt = dir.File("model.ckpt");
        var bank = dir.File("bank.npz");
        File.Copy(F("satclip.ckpt"), ckpt);
        File.Copy(F("range_db.npz"), bank);
        var ckptBytes = File.ReadAllBytes(ckpt);
        var bankBytes = File.ReadAllBytes(bank);
        AssertRefused(CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "range", "--bank", bank, "--input", F("points.csv"), "--output", ckpt), "input --checkpoint");
        AssertRefused(CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "range", "--bank", bank, "--input", F("points.csv"), "--output", bank), "input --bank");
        AssertUntouched(dir, ckpt, ckptBytes);
        AssertUntouched(dir, bank, bankBytes);
    }

    [Fact]
    public void EmbedRefusesADirectoryOutputBeforeLoadingAnything()
    {
        using var dir = new TempDir();
        // A checkpoint that cannot be read: the error names the output, so the output was checked first.
        var ckpt = dir.File("cut.ckpt");
        File.WriteAllBytes(ckpt, File.ReadAllBytes(F("satclip.ckpt"))[..1000]);
        var outDir = dir.File("outdir");
        Directory.CreateDirectory(outDir);
        var result = CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "satclip", "--input", F("points.csv"), "--output", outDir);
        AssertRefused(result, $"--output '{outDir}' is a directory");
        Assert.Empty(Directory.EnumerateFileSystemEntries(outDir));
    }

    [Fact]
    public void EmbedRefusesAnUnwritableOutputBeforeLoadingAnything()
    {
        using var dir = new TempDir();
        var ckpt = dir.File("cut.ckpt");
        File.WriteAllBytes(ckpt, File.ReadAllBytes(F("satclip.ckpt"))[..1000]);
        // A read-only folder (root may write anywhere on disk; sysfs refuses even root).
        if (OperatingSystem.IsWindows()) return;
        string folder;
        if (Environment.UserName == "root" && OperatingSystem.IsLinux()) folder = "/sys/kernel";
        else
        {
            folder = dir.File("readonly");
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var output = Path.Combine(folder, "out.arrow");
        var result = CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "satclip", "--input", F("points.csv"), "--output", output);
        AssertRefused(result, $"--output '{output}': cannot write in folder '{folder}'");
        Assert.False(File.Exists(output));

        // A path through a regular file.
        var through = Path.Combine(F("points.csv"), "out.arrow");
        AssertRefused(CliRunner.Run("embed", "--checkpoint", ckpt, "--model", "satclip", "--input", F("points.csv"), "--output", through), "points.csv");
    }

    [Fact]
    public void JobCommandsRefuseAnUnwritableDestinationBeforeAnyCompute()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempDir();
        // A read-only folder (root may write anywhere on disk; sysfs refuses even root).
        string folder = dir.File("readonly");
        if (Environment.UserName == "root" && OperatingSystem.IsLinux()) folder = "/sys/kernel";
        else
        {
            Directory.CreateDirectory(folder);
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var dest = Path.Combine(folder, "dest");
        string[][] commands =
        [
            ["map", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--fibonacci", "1000", "--output", dest],
            ["bank", "build", "--checkpoint", F("satclip.ckpt"), "--data", "earth", "--entries", "20", "--output", dest],
            ["pretrain", "--data", "earth", "--entries", "32", "--batch-size", "16", "--epochs", "1", "--output", dest],
            ["pipeline", "--data", "earth", "--entries", "32", "--batch-size", "16", "--epochs", "1", "--output", dest],
        ];
        foreach (var command in commands)
        {
            var result = CliRunner.Run(command);
            AssertRefused(result, $"--output '{dest}': cannot write in folder '{folder}'");
            Assert.False(Path.Exists(dest));
        }
    }

    [Fact]
    public void EvalRefusesAReportThatIsItsTaskFile()
    {
        using var dir = new TempDir();
        var task = dir.File("task.csv");
        File.WriteAllText(task, "lon,lat,y\n" + string.Concat(Enumerable.Range(0, 50).Select(i => $"{i - 25},{i % 40},{i}\n")));
        var before = File.ReadAllBytes(task);
        var result = CliRunner.Run("eval", "--task", "csv:" + task, "--target", "y", "--encoder", "direct", "--report", OtherPath(dir, task, "symlink"));
        AssertRefused(result, "is the same file as the input --task");
        AssertUntouched(dir, task, before);

        // --suite writes DIR/results.{json,csv,md}: a checkpoint called results.csv in DIR is an input.
        var suiteDir = dir.File("suite");
        Directory.CreateDirectory(suiteDir);
        var ckpt = Path.Combine(suiteDir, "results.csv");
        File.Copy(F("satclip.ckpt"), ckpt);
        AssertRefused(CliRunner.Run("eval", "--suite", "paper", "--checkpoint", ckpt, "--report", suiteDir), "is the same file as the input --checkpoint");
        Assert.Equal(File.ReadAllBytes(F("satclip.ckpt")), File.ReadAllBytes(ckpt));
    }

    [Fact]
    public void RenderRefusesAPngThatIsOneOfItsInputs()
    {
        using var dir = new TempDir();
        var embeddings = dir.File("e.arrow");
        Assert.Equal(0, CliRunner.Run("embed", "--checkpoint", F("satclip.ckpt"), "--model", "satclip", "--input", F("points.csv"), "--output", embeddings).ExitCode);
        var before = File.ReadAllBytes(embeddings);
        AssertRefused(CliRunner.Run("render", embeddings, "--png", OtherPath(dir, embeddings, "dotted")), "is the same file as the input DEST");
        AssertUntouched(dir, embeddings, before);
    }

    [Fact]
    public void BenchRefusesADirectoryForItsJsonBeforeMeasuring()
    {
        using var dir = new TempDir();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        AssertRefused(CliRunner.Run("bench", "--banks", "300", "--dim", "32", "--seconds", "5", "--json", dir.Path), $"--output '{dir.Path}' is a directory");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}: measured before refusing");
    }

    [Fact]
    public void BankImportAndExportRefuseAnOutputThatIsTheirInput()
    {
        using var dir = new TempDir();
        var npz = dir.File("db.npz");
        File.Copy(F("range_db.npz"), npz);
        var before = File.ReadAllBytes(npz);
        AssertRefused(CliRunner.Run("bank", "import", npz, "--out", npz), "is the same file as the input BANK");
        AssertRefused(CliRunner.Run("bank", "export", npz, "--out", OtherPath(dir, npz, "symlink")), "is the same file as the input BANK");
        AssertUntouched(dir, npz, before);
    }
}
