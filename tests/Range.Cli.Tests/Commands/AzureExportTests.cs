using RangeOrleans.Storage;
using RangeOrleans.Testing;

namespace RangeOrleans.Cli.Tests.Commands;

/// <summary>
/// A map in Azure Blob storage (Azurite): export and lookup read DEST from az:// and write az:// outputs, and
/// give the same bytes as from and to local files.
/// </summary>
[Collection(EnvironmentCollection)]
public class AzureExportTests(ExportMaps maps, AzuriteProcess azurite) : IClassFixture<ExportMaps>, IClassFixture<AzuriteProcess>
{
    /// <summary>Classes that set AZURE_STORAGE_CONNECTION_STRING, run one at a time.</summary>
    public const string EnvironmentCollection = "AZURE_STORAGE_CONNECTION_STRING";

    [Fact]
    public async Task ExportAndLookupFromAnAzureDestToAzureOutputsMatchTheLocalFiles()
    {
        string container = $"az://t{Guid.NewGuid():N}";
        var dest = BlobStores.Open($"{container}/maps/m2", azurite.ConnectionString);
        foreach (var file in Directory.GetFiles(maps.TwoDegree, "*", SearchOption.AllDirectories))
            await dest.WriteAllBytesAsync(Path.GetRelativePath(maps.TwoDegree, file).Replace('\\', '/'), await File.ReadAllBytesAsync(file));
        var input = maps.File("azure-points.csv");
        await File.WriteAllTextAsync(input, "lon,lat\n11,21\n-45.5,55.2\n");

        Environment.SetEnvironmentVariable(BlobStores.ConnectionStringVariable, azurite.ConnectionString);
        try
        {
            foreach (var (format, name) in new[] { ("cog", "m2.tif"), ("geoparquet", "m2.parquet") })
            {
                var local = maps.File("local-" + name);
                Assert.Equal(0, CliRunner.Run("export", maps.TwoDegree, "--format", format, "--output", local).ExitCode);
                var run = CliRunner.Run("export", $"{container}/maps/m2", "--format", format, "--output", $"{container}/out/{name}");
                Assert.True(run.ExitCode == 0, run.Error);
                var outputs = BlobStores.Open($"{container}/out", azurite.ConnectionString);
                Assert.Equal(await File.ReadAllBytesAsync(local), await outputs.ReadAllBytesAsync(name));
            }

            var fromAzure = maps.File("azure-lookup.arrow");
            var fromLocal = maps.File("local-lookup.arrow");
            Assert.Equal(0, CliRunner.Run("lookup", maps.TwoDegree, "--input", input, "--output", fromLocal).ExitCode);
            var lookup = CliRunner.Run("lookup", $"{container}/maps/m2", "--input", input, "--output", fromAzure);
            Assert.True(lookup.ExitCode == 0, lookup.Error);
            var a = Core.Formats.Arrow.EmbeddingArrowReader.ReadAll(fromAzure);
            var b = Core.Formats.Arrow.EmbeddingArrowReader.ReadAll(fromLocal);
            Assert.Equal(b.Embeddings, a.Embeddings);

            // A shard the manifest lists but the container lacks: one line, exit 2, no output blob.
            await dest.DeleteAsync("shards/t+000+00.arrow");
            var broken = CliRunner.Run("export", $"{container}/maps/m2", "--format", "cog", "--output", $"{container}/out/broken.tif");
            Assert.Equal(2, broken.ExitCode);
            Assert.Contains("missing", broken.Error);
            Assert.False(await BlobStores.Open($"{container}/out", azurite.ConnectionString).ExistsAsync("broken.tif"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(BlobStores.ConnectionStringVariable, null);
        }
    }
}
