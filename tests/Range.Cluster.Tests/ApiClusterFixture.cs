namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// One cluster for the HTTP tests (<see cref="ApiTests"/>): real Redis and Azurite, one `range silo` process (two shard
/// slots) and the `range api` front end, started once for the class: a silo and a front end take most of a test's time.
/// </summary>
public sealed class ApiClusterFixture : IAsyncLifetime
{
    private readonly LocalCluster _cluster = new();

    internal ApiFrontEnd Api { get; private set; } = null!;

    /// <summary>A folder of this fixture under the temp folder (which the silo and the full token allow), removed at the end.</summary>
    public string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"range-api-{Guid.NewGuid():N}")).FullName;

    internal string SiloLogs() => _cluster.SiloLogs();

    public async Task InitializeAsync()
    {
        await _cluster.StartSilosAsync(1, maxConcurrentShards: 2);
        Api = await ApiFrontEnd.StartAsync(_cluster, Folder);
    }

    public Task DisposeAsync()
    {
        Api?.Dispose();
        _cluster.Dispose();
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
        return Task.CompletedTask;
    }
}
