using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RangeOrleans.Cli.Benchmarks;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Cli.Commands;

/// <summary><c>range bench</c>: this machine's matmul rate, then SatCLIP / RANGE / RANGE+ throughput against it.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var banks = new Option<string>("--banks")
        {
            Description = "Comma-separated bank sizes N to measure.",
            DefaultValueFactory = _ => "1000,10000,82000",
        };
        var dim = new Option<int>("--dim") { Description = "Bank value dimension D (SatMAE: 1024).", DefaultValueFactory = _ => 1024 };
        var seconds = new Option<double>("--seconds") { Description = "Target seconds per measurement.", DefaultValueFactory = _ => 3.0 };
        var points = new Option<long?>("--points") { Description = "Points per timed trial (rounded up to whole passes) instead of --seconds: e.g. 1000000." };
        var threads = new Option<int?>("--threads") { Description = "Torch and OpenBLAS threads (default: all cores)." };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:<index>.", DefaultValueFactory = _ => "cpu" };
        var json = OutputOption.Create<FileInfo?>("FILE.json", "Also write the results as JSON to this file (the table is printed either way).", required: false, "--json");
        var write = new Option<string[]>("--write")
        {
            Description = "Also time writing embeddings (float32 and float16, as map shards write them) to this destination: " +
                "a local folder or az://CONTAINER/PREFIX (AZURE_STORAGE_CONNECTION_STRING). Repeatable. Measured first.",
            AllowMultipleArgumentsPerToken = false,
        };
        var writeRows = new Option<long>("--write-rows") { Description = "Rows per --write measurement (D + 256 values each).", DefaultValueFactory = _ => 200_000 };
        var maps = new Option<DirectoryInfo?>("--maps")
        {
            Description = "Measure the map tools instead (range lookup points/s, range export --format cog) on a grid map in DIR/map, " +
                "made there with synthetic embeddings (--map-grid, --map-dim) when DIR/map holds no map; nothing else is measured.",
        };
        var mapGrid = new Option<double>("--map-grid") { Description = "Grid step of the synthetic map (--maps).", DefaultValueFactory = _ => 0.25 };
        var mapDim = new Option<int>("--map-dim") { Description = "Dimensions of the synthetic map (--maps).", DefaultValueFactory = _ => 256 };
        var mapBox = new Option<string?>("--map-bbox") { Description = "W,S,E,N: the synthetic map covers only this box (--maps)." };
        var lookupPoints = new Option<int>("--lookup-points") { Description = "Random points looked up (--maps).", DefaultValueFactory = _ => 1_000_000 };
        var coordinator = new Option<string?>("--coordinator")
        {
            Description = "Measure the map-job coordinator instead: jobs of these comma-separated shard counts (multiples of 200, e.g. " +
                "10000,50000,100000) on an in-process silo whose shards finish at once, grain state in Redis (--redis); " +
                "prints the dispatch rate and the cost of one state write; nothing else is measured.",
        };
        var redis = new Option<string?>("--redis") { Description = "HOST:PORT of the Redis the coordinator benchmark keeps its state in (--coordinator)." };
        var window = new Option<double>("--window") { Description = "Seconds each coordinator job is timed for (--coordinator).", DefaultValueFactory = _ => 30 };
        var inFlight = new Option<int>("--in-flight")
        {
            Description = "Shards in flight per silo (--coordinator; a silo's default is 2, so N silos dispatch 2N at once).",
            DefaultValueFactory = _ => new Grains.Jobs.CoordinatorOptions().ShardsInFlightPerSilo,
        };
        var command = new Command("bench",
            "Measure the large float32 matmul rate, then SatCLIP, RANGE and RANGE+ throughput (points/s, GFLOP/s by the " +
            "cost N(256 + D) or N(256 + 3 + D) multiply-adds per point, fraction of the matmul rate, peak memory).");
        foreach (var o in new Option[] { banks, dim, seconds, points, threads, device, json, write, writeRows, maps, mapGrid, mapDim, mapBox, lookupPoints, coordinator, redis, window, inFlight }) command.Options.Add(o);
        command.SetAction(result =>
        {
            if (result.GetValue(coordinator) is { } shardCounts)
            {
                var counts = shardCounts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                        ? n : throw new ArgumentException($"--coordinator: '{s}' is not a positive integer"))
                    .ToArray();
                string redisAt = result.GetValue(redis) ?? throw new ArgumentException("--coordinator needs --redis HOST:PORT (scripts/bench-coordinator.sh starts one)");
                if (result.GetValue(window) is not (> 0 and <= 3600) || result.GetValue(inFlight) < 1)
                    throw new ArgumentException("--window must be in (0, 3600] seconds and --in-flight at least 1");
                var coordinatorReport = CoordinatorBenchmark.Run(counts, redisAt, result.GetValue(window), result.GetValue(inFlight), result.InvocationConfiguration.Output);
                if (result.GetValue(json) is { } coordinatorJson)
                    PendingFile.WriteAllBytes(coordinatorJson.FullName, JsonSerializer.SerializeToUtf8Bytes(coordinatorReport, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            if (result.GetValue(maps) is { } mapsFolder)
            {
                if (result.GetValue(lookupPoints) < 1) throw new ArgumentException("--lookup-points must be at least 1");
                Directory.CreateDirectory(mapsFolder.FullName);
                var mapReport = MapToolsBenchmark.Run(mapsFolder.FullName, result.GetValue(mapGrid), result.GetValue(mapDim),
                    result.GetValue(mapBox) is { } box ? Core.Jobs.BoundingBox.Parse(box) : null, result.GetValue(lookupPoints), result.InvocationConfiguration.Output);
                if (result.GetValue(json) is { } mapsJson)
                    PendingFile.WriteAllBytes(mapsJson.FullName, JsonSerializer.SerializeToUtf8Bytes(mapReport, new JsonSerializerOptions { WriteIndented = true }));
                return 0;
            }
            var sizes = result.GetValue(banks)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0
                    ? n : throw new ArgumentException($"--banks: '{s}' is not a positive integer"))
                .ToArray();
            if (result.GetValue(points) is < 1 or > int.MaxValue) throw new ArgumentException($"--points must be between 1 and {int.MaxValue}, got {result.GetValue(points)}");
            var settings = new ThroughputBenchmark.Settings(sizes, result.GetValue(dim), result.GetValue(seconds), result.GetValue(threads), result.GetValue(device)!, result.GetValue(points));
            var output = result.InvocationConfiguration.Output;
            var destinations = result.GetValue(write) ?? [];
            long rows = result.GetValue(writeRows);
            if (rows < 1) throw new ArgumentException($"--write-rows must be at least 1, got {rows}");
            if (result.GetValue(json) is { } jsonFile) Core.Formats.OutputCheck.File(jsonFile.FullName, OutputOption.Name);
            // Output first, so that its peak memory is its own and not the throughput runs' banks.
            var written = destinations.Length == 0 ? [] : OutputBenchmark.Run(destinations, rows, result.GetValue(dim) + 256, output);
            var report = ThroughputBenchmark.Run(settings, output) with { Output = written };
            if (result.GetValue(json) is { } file)
                PendingFile.WriteAllBytes(file.FullName, JsonSerializer.SerializeToUtf8Bytes(report, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        });
        return command;
    }
}
