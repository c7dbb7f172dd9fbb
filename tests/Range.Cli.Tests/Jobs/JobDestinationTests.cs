using RangeOrleans.Abstractions;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Grains.Jobs;

namespace RangeOrleans.Cli.Tests.Jobs;

/// <summary>One destination check (<see cref="JobPoints.RequireDestination"/>) for map, bank and pretrain jobs.</summary>
public class JobDestinationTests
{
    public static TheoryData<string, string> Refused => new()
    {
        { "", "--output: no location given" },
        { "relative/out", "--output 'relative/out': a local path must be absolute (silos do not share a working folder)" },
        { "/tmp/range/../etc", "--output '/tmp/range/../etc': a '..' segment leaves the destination; give the folder itself" },
        { "/tmp/range/..", "a '..' segment leaves the destination" },
        { "/tmp/a\nb", "control characters in a location" },
        { "/" + new string('d', 5000), "--output: a location of 5,001 characters (at most 4,096)" },
        { "az://Bad_Container/x", "container" },
        { "az://maps/a/../b", "is not a valid blob name prefix" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusesWhatSilosWouldResolveDifferentlyOrWhatLeavesTheDestination(string destination, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => JobPoints.RequireDestination(destination));
        Assert.Contains(expected, error.Message);
        Assert.True(error.Message.Length < 300, "a long destination must not be echoed whole");
    }

    [Theory]
    [InlineData("/tmp/range/out")]
    [InlineData("/tmp/range..x/out")]
    [InlineData("az://maps/a/b")]
    [InlineData("az://maps")]
    public void AcceptsAnAbsoluteFolderOrAnAzurePrefix(string destination) => JobPoints.RequireDestination(destination);

    [Fact]
    public async Task EveryKindOfJobRefusesABadDestinationWithTheSameMessageAndStoresNothing()
    {
        var checkpoint = TestData.Fixture("satclip_l10/satclip.ckpt");
        var (host, client) = await ClusterHosts.StartEmbeddedAsync("cpu", CancellationToken.None);
        using (host)
        {
            foreach (var destination in new[] { "relative/out", "/tmp/range/../etc", "/tmp/a\0b" })
            {
                var map = new JobSpec
                {
                    Points = new PointSourceSpec { Kind = PointSourceKind.Fibonacci, FibonacciCount = 100 },
                    Model = new ModelSpec { Checkpoint = checkpoint, Model = "satclip" },
                    Destination = destination,
                };
                var bank = new BankJobSpec { Checkpoint = checkpoint, Mae = checkpoint, Data = "earth", Entries = 10, Destination = destination };
                var pretrain = new PretrainJobSpec { Data = "earth", Entries = 48, Epochs = 1, BatchSize = 16, LearningRate = 1e-4, TileSize = 8, LegendrePolys = 4, Destination = destination };
                var expected = Assert.Throws<ArgumentException>(() => JobPoints.RequireDestination(destination)).Message;
                Assert.Equal(expected, (await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IJobCoordinatorGrain>("dest-map").SubmitAsync(map))).Message);
                Assert.Equal(expected, (await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IBankJobGrain>("dest-bank").SubmitAsync(bank))).Message);
                Assert.Equal(expected, (await Assert.ThrowsAsync<ArgumentException>(() => client.GetGrain<IPretrainJobGrain>("dest-pretrain").SubmitAsync(pretrain))).Message);
            }
            Assert.Empty(await client.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync());
            Assert.Equal(JobState.Unknown, (await client.GetGrain<IBankJobGrain>("dest-bank").GetStatusAsync()).State);
            Assert.Equal(JobState.Unknown, (await client.GetGrain<IPretrainJobGrain>("dest-pretrain").GetStatusAsync()).State);
            await host.StopAsync();
        }
    }
}
