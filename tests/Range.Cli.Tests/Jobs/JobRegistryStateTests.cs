using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Grains.Registry;

namespace RangeOrleans.Cli.Tests.Jobs;

/// <summary>The registry's stored state, through the grain storage serializer a silo registers (the one Redis storage uses).</summary>
public class JobRegistryStateTests
{
    // What a silo stored for a running job before kinds were recorded.
    private const string StoredBeforeKinds =
        """{"$id":"1","$type":"RangeOrleans.Grains.Registry.JobRegistryState, Range.Grains","Jobs":{"$id":"2","$type":"System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib],[RangeOrleans.Abstractions.JobSummary, Range.Abstractions]], System.Private.CoreLib","old":{"$id":"3","$type":"RangeOrleans.Abstractions.JobSummary, Range.Abstractions","JobId":"old","Destination":"/tmp/old","SubmittedAt":"1970-01-01T00:00:00+00:00","State":2}}}""";

    [Fact]
    public async Task ASummaryStoredBeforeKindsWereRecordedReadsAsAMapJobAndKindsRoundTrip()
    {
        var (host, _) = await ClusterHosts.StartEmbeddedAsync("cpu", CancellationToken.None);
        using (host)
        {
            var serializer = host.Services.GetRequiredService<IGrainStorageSerializer>();
            var old = serializer.Deserialize<JobRegistryState>(new BinaryData(Encoding.UTF8.GetBytes(StoredBeforeKinds)))!.Jobs["old"];
            Assert.Equal((JobKind.Map, JobState.Running, "/tmp/old"), (old.Kind, old.State, old.Destination));

            var state = new JobRegistryState();
            state.Jobs["new"] = old with { JobId = "new", Kind = JobKind.Pretrain };
            Assert.Equal(state.Jobs["new"], serializer.Deserialize<JobRegistryState>(serializer.Serialize(state))!.Jobs["new"]);
            await host.StopAsync();
        }
    }
}
