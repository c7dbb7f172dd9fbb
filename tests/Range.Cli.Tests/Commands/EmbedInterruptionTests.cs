using System.Globalization;
using System.Text;
using RangeOrleans.Testing;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>SIGTERM to a running `range embed` (the real command as a process): it stops within seconds, no output or partial file left.</summary>
public class EmbedInterruptionTests
{
    [Fact]
    public async Task SigtermStopsEmbedWithinSecondsLeavingNoOutputAndNoPartialFile()
    {
        using var dir = new TempDir();
        var input = dir.File("points.csv");
        var text = new StringBuilder("lon,lat\n");
        for (int i = 0; i < 3_000_000; i++)
            text.Append(CultureInfo.InvariantCulture, $"{i % 360 - 180 + 0.5},{i % 170 - 85 + 0.25}\n");
        File.WriteAllText(input, text.ToString());
        var output = dir.File("out.arrow");

        using var run = RangeCli.Start(["embed", "--checkpoint", TestData.Fixture("satclip_l10/satclip.ckpt"), "--model", "satclip",
            "--input", input, "--output", output, "--batch-size", "2048"], timeout: TimeSpan.FromMinutes(5));
        // Signalled once it writes: the embeddings are being computed into the output's partial file.
        await run.WaitUntilAsync(() => Directory.GetFiles(dir.Path, "out.arrow.partial-*").Any(f => new FileInfo(f).Length > 0), TimeSpan.FromSeconds(120), "output written");

        var (stopped, took) = await run.StopAsync("TERM");
        Assert.True(took < TimeSpan.FromSeconds(7), $"SIGTERM took {took}: {stopped}");
        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.DoesNotContain("   at ", stopped.Error);
        Assert.Equal([input], Directory.GetFiles(dir.Path));
    }
}
