using System.CommandLine;
using RangeOrleans.Cli.Export;
using RangeOrleans.Cli.Terminal;
using RangeOrleans.Cli.View;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range view</c>: a finished map on a pannable, zoomable world map in the browser, served by this process: the
/// map's rendering (PCA to RGB) with coastlines, and for a clicked place its similarity map with a colour bar.
/// Ctrl-C or SIGTERM stops the server (exit 0).
/// </summary>
public static class ViewCommand
{
    public const int DefaultPort = 8765;

    public static Command Create()
    {
        var dest = new Argument<string>("DEST") { Description = "A finished map job's output folder (manifest.json and shards/), local or az://." };
        var port = new Option<int>("--port") { Description = "Port to serve on.", DefaultValueFactory = _ => DefaultPort };
        var host = new Option<string>("--host") { Description = $"Address to serve on: 127.0.0.1 (this machine only) or another IP address, 0.0.0.0 for every interface (then {MapViewServer.PasswordVariable} must be set: basic auth, user '{MapViewServer.User}').", DefaultValueFactory = _ => "127.0.0.1" };
        var command = new Command("view", "Show a finished map in the browser: its embeddings on a world map; click a place for its similarity map.");
        command.Arguments.Add(dest);
        command.Options.Add(port);
        command.Options.Add(host);
        command.SetAction(result =>
        {
            var map = FinishedMap.Open(result.GetValue(dest)!);
            // Listen before the slow reading and drawing, so a port in use fails at once.
            using var server = MapViewServer.Start(result.GetValue(host)!, result.GetValue(port), Environment.GetEnvironmentVariable(MapViewServer.PasswordVariable));
            var output = result.InvocationConfiguration.Output;
            output.WriteLine($"reading {map.Destination} ({map.Shards.Count} shards)");
            var view = MapView.Load(map);
            output.WriteLine($"serving {map.Destination} at {server.Address} (Ctrl-C stops)");
            output.Flush();
            server.ServeAsync(view, Interruption.Token).GetAwaiter().GetResult();
            output.WriteLine("stopped");
            return 0;
        });
        return command;
    }
}
