using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using RangeOrleans.Cli.Jobs;
using RangeOrleans.Cli.Terminal;
using RangeOrleans.Grains.Storage;
using RangeOrleans.Hosting.Api;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range api</c>: the cluster over HTTP (docs/api.md), a stateless client of the cluster serving jobs and embeddings to
/// bearer tokens; <c>range api token add</c>: a new token in the tokens file, printed once.
/// </summary>
public static class ApiCommand
{
    public const string TokensVariable = "RANGE_API_TOKENS";

    public static Command Create()
    {
        var cluster = new ClusterOption(required: false);
        cluster.Redis.Description = $"Redis connection string of the cluster (as range silo's; password from {Hosting.RedisConnection.PasswordVariable}). Required.";
        var host = new Option<string>("--host") { Description = "Address to listen on (0.0.0.0: every interface; put TLS in front of it, an ingress).", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to listen on.", DefaultValueFactory = _ => 8080 };
        var tokens = TokensOption();
        var command = new Command("api", "Serve the cluster over HTTP: submit, list, watch and cancel jobs, fetch manifests, embed points (docs/api.md). Needs a tokens file (range api token add).");
        cluster.AddTo(command);
        foreach (var option in new Option[] { host, port, tokens }) command.Options.Add(option);
        command.Subcommands.Add(TokenCommand());
        command.SetAction(result =>
        {
            var options = cluster.Read(result) ?? throw new ArgumentException("--cluster: the Redis connection string of the cluster to serve is required");
            var settings = new ApiSettings { Host = result.GetValue(host)!, Port = result.GetValue(port), TokensFile = TokensFile(result, tokens) };
            settings.Validate();
            var known = ApiTokenFile.Read(settings.TokensFile);
            if (known.Count == 0) throw new ArgumentException($"--tokens '{settings.TokensFile}': no tokens; nothing could use the API (range api token add --tokens {settings.TokensFile} --name NAME --data-root DIR)");
            return RunAsync(options, settings, known, result.InvocationConfiguration.Output).GetAwaiter().GetResult();
        });
        return command;
    }

    private static async Task<int> RunAsync(Hosting.RangeClusterOptions cluster, ApiSettings settings, IReadOnlyList<ApiToken> tokens, TextWriter output)
    {
        var (clientHost, client) = await ClusterHosts.ConnectAsync(cluster, Interruption.Token);
        using (clientHost)
        {
            var app = ApiServer.Build(settings, client, tokens);
            await app.StartAsync(Interruption.Token);
            output.WriteLine($"api started (pid {Environment.ProcessId}): http://{settings.Host}:{settings.Port}/v1 for {tokens.Count} token(s); health {ApiRoutes.Liveness}, {ApiRoutes.Readiness}");
            try { await app.WaitForShutdownAsync(Interruption.Token); }
            catch (OperationCanceledException) { }
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(stopping.Token);
            await app.DisposeAsync();
            await clientHost.StopAsync(stopping.Token);
        }
        return 0;
    }

    private static Command TokenCommand()
    {
        var tokens = TokensOption();
        var name = new Option<string>("--name") { Description = "Who holds the token (shown in refusals and limits; unique in the file).", Required = true };
        var dataRoots = new Option<string[]>("--data-root") { Description = "A folder the token's jobs and embeddings may name (repeatable). The silos' own roots apply too: a token never reaches further than they allow." };
        var containers = new Option<string[]>("--allow-container") { Description = $"An Azure container the token may use, or {AllowedRoots.AnyContainer} (repeatable)." };
        var rate = new Option<int>("--rate") { Description = "Requests per minute.", DefaultValueFactory = _ => 600 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests at once (an open event stream counts).", DefaultValueFactory = _ => 16 };
        var add = new Command("add", "Add a token to the tokens file and print it, once (the file keeps only its SHA-256).");
        foreach (var option in new Option[] { tokens, name, dataRoots, containers, rate, concurrency }) add.Options.Add(option);
        add.SetAction(result =>
        {
            string file = TokensFile(result, tokens);
            string token = ApiTokenFile.Add(file, new ApiToken
            {
                Sha256 = new string('0', 64), // replaced by the new token's hash
                Name = result.GetValue(name)!,
                DataRoots = [.. (result.GetValue(dataRoots) ?? []).Select(Path.GetFullPath)],
                Containers = result.GetValue(containers) ?? [],
                RequestsPerMinute = result.GetValue(rate),
                MaxConcurrent = result.GetValue(concurrency),
            });
            result.InvocationConfiguration.Output.WriteLine(token);
            return 0;
        });
        var command = new Command("token", "Manage the API's bearer tokens.");
        command.Subcommands.Add(add);
        return command;
    }

    private static Option<string?> TokensOption() => new("--tokens")
    {
        Description = $"The tokens file (JSON; each token's SHA-256, name, roots and limits; default {TokensVariable}).",
    };

    private static string TokensFile(ParseResult result, Option<string?> option) =>
        result.GetValue(option) ?? Environment.GetEnvironmentVariable(TokensVariable)
        ?? throw new ArgumentException($"--tokens: the tokens file is required (or {TokensVariable})");
}
