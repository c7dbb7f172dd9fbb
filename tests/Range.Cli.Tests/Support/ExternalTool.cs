using System.Diagnostics;

namespace RangeOrleans.Cli.Tests;

/// <summary>
/// Runs the real tools that check our exports (GDAL, DuckDB through Node). A test needing one is a
/// <see cref="ToolFactAttribute"/>: skipped, with the reason, only when the tool is missing and CI is not set;
/// under CI=true it runs and fails on a missing tool (scripts/ci-services.sh installs them).
/// </summary>
internal static class ExternalTool
{
    public const string CogValidator = "/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py";

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool OnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, name)));

    public static bool HasGdal => OnPath("gdalinfo") && OnPath("gdallocationinfo") && File.Exists(CogValidator);

    /// <summary>tests/tools, where scripts/ci-services.sh installs the npm packages (DuckDB) the tests use.</summary>
    public static string ToolsDir => Path.Combine(TestData.RepoDir, "tests", "tools");

    public static bool HasDuckDb => OnPath("node") && Directory.Exists(Path.Combine(ToolsDir, "node_modules", "@duckdb", "node-api"));

    /// <summary>Runs SQL statements in DuckDB and returns the last one's rows (arrays of JSON values).</summary>
    public static System.Text.Json.JsonElement DuckDb(params string[] sql) =>
        System.Text.Json.JsonDocument.Parse(Run("node", [Path.Combine(ToolsDir, "duckdb-query.mjs"), .. sql])).RootElement;

    /// <summary>Runs a program, returns its stdout; a non-zero exit fails with its stderr.</summary>
    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(120_000)) { process.Kill(true); throw new TimeoutException($"{program} ran over 2 minutes"); }
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return stdout;
    }
}

/// <summary>A fact needing GDAL (gdal-bin, python3-gdal): skipped outside CI when they are missing.</summary>
public sealed class GdalFactAttribute : FactAttribute
{
    public GdalFactAttribute()
    {
        if (!ExternalTool.HasGdal && !ExternalTool.InCi)
            Skip = "GDAL is not installed (apt-get install gdal-bin python3-gdal; scripts/ci-services.sh does it); under CI=true this test runs and fails instead";
    }
}

/// <summary>A fact needing DuckDB (npm ci --prefix tests/tools): skipped outside CI when it is missing.</summary>
public sealed class DuckDbFactAttribute : FactAttribute
{
    public DuckDbFactAttribute()
    {
        if (!ExternalTool.HasDuckDb && !ExternalTool.InCi)
            Skip = "DuckDB is not installed (npm ci --prefix tests/tools; scripts/ci-services.sh does it); under CI=true this test runs and fails instead";
    }
}

/// <summary>A fact needing Debian's chromium (/usr/bin/chromium): skipped outside CI when it is missing.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(HeadlessChromium.Executable) && !ExternalTool.InCi)
            Skip = "chromium is not installed (apt-get install chromium; scripts/ci-services.sh does it); under CI=true this test runs and fails instead";
    }
}
