using YamlDotNet.RepresentationModel;

namespace RangeOrleans.Cli.Tests.Deployment;

/// <summary>
/// What the deployment files promise an operator (docs/cluster.md, "Health endpoints and deployment"), read from the
/// files themselves: silo probes on the health port, Kubernetes Redis servers for membership and for job state (the
/// silos' RANGE_STATE_REDIS) whose data survives their pods (append-only file on a persistent volume) with a password
/// from a Secret and a memory limit, and a compose file whose services wait for each other to be healthy, its silos
/// keeping job state in a Redis of its own. `docker-compose config` and scripts/check-k8s-manifests.py check the rest of the schema.
/// </summary>
public class DeploymentManifestTests
{
    private static List<YamlMappingNode> Documents(params string[] path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine([TestData.RepoDir, .. path]))));
        return stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>().ToList();
    }

    /// <summary>The node at a path of mapping keys (a merge key, <c>&lt;&lt;: *anchor</c>, supplies the keys a mapping lacks), or null.</summary>
    private static YamlNode? At(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping) return null;
            if (mapping.Children.TryGetValue(new YamlScalarNode(key), out var child)) node = child;
            else if (mapping.Children.TryGetValue(new YamlScalarNode("<<"), out var merged)) node = At(merged, key);
            else return null;
        }
        return node;
    }

    private static string? Text(YamlNode? node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    private static List<string> Strings(YamlNode? node, params string[] path) =>
        (At(node, path) as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value!).ToList() ?? [];

    private static YamlMappingNode Kind(List<YamlMappingNode> documents, string kind) => Assert.Single(documents, d => Text(d, "kind") == kind);

    private static YamlMappingNode Container(YamlMappingNode deployment) =>
        Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlSequenceNode>(At(deployment, "spec", "template", "spec", "containers")).Children));

    [Fact]
    public void KubernetesSilosHaveStartupLivenessAndReadinessProbesOnTheirHealthPort()
    {
        var silo = Container(Kind(Documents("infra", "k8s", "silo-deployment.yaml"), "Deployment"));
        var args = Strings(silo, "args");
        var port = args[args.IndexOf("--health-port") + 1];
        var health = Assert.Single(Assert.IsType<YamlSequenceNode>(At(silo, "ports")).Children, p => Text(p, "name") == "health");
        Assert.Equal(port, Text(health, "containerPort"));
        foreach (var (probe, path) in new[] { ("startupProbe", "/healthz"), ("livenessProbe", "/healthz"), ("readinessProbe", "/readyz") })
        {
            Assert.Equal(path, Text(silo, probe, "httpGet", "path"));
            Assert.Equal("health", Text(silo, probe, "httpGet", "port"));
        }
    }

    [Fact]
    public void KubernetesRedisServersKeepTheirAppendOnlyFileOnAPersistentVolumeWithAPasswordFromASecretAndAMemoryLimit()
    {
        var documents = Documents("infra", "k8s", "redis.yaml");
        var deployments = documents.Where(d => Text(d, "kind") == "Deployment").ToList();
        Assert.Equal(new string?[] { "range-redis", "range-redis-state" }, deployments.Select(d => Text(d, "metadata", "name")).Order());
        var claims = documents.Where(d => Text(d, "kind") == "PersistentVolumeClaim").Select(d => Text(d, "metadata", "name")).ToList();
        var services = documents.Where(d => Text(d, "kind") == "Service").ToList();
        foreach (var deployment in deployments)
        {
            var name = Text(deployment, "metadata", "name");
            var redis = Container(deployment);
            var args = Strings(redis, "args");
            Assert.Equal("yes", args[args.IndexOf("--appendonly") + 1]);
            var dataDir = args[args.IndexOf("--dir") + 1];
            var mount = Assert.Single(Assert.IsType<YamlSequenceNode>(At(redis, "volumeMounts")).Children, m => Text(m, "mountPath") == dataDir);
            var volume = Assert.Single(Assert.IsType<YamlSequenceNode>(At(deployment, "spec", "template", "spec", "volumes")).Children, v => Text(v, "name") == Text(mount, "name"));
            var claim = Text(volume, "persistentVolumeClaim", "claimName");
            Assert.True(claims.Remove(claim), $"{name}'s claim {claim} is not in redis.yaml, or another Deployment uses it too"); // one claim each
            Assert.Equal("Recreate", Text(deployment, "spec", "strategy", "type")); // a ReadWriteOnce volume: one pod at a time

            var password = Assert.Single(Assert.IsType<YamlSequenceNode>(At(redis, "env")).Children, e => Text(e, "name") == "REDIS_PASSWORD");
            Assert.Equal("range-redis", Text(password, "valueFrom", "secretKeyRef", "name")); // one password for both
            Assert.Equal("$(REDIS_PASSWORD)", args[args.IndexOf("--requirepass") + 1]);
            Assert.Equal("noeviction", args[args.IndexOf("--maxmemory-policy") + 1]); // neither membership nor job state is a cache
            Assert.True(Mebibytes(args[args.IndexOf("--maxmemory") + 1]) < Mebibytes(Text(redis, "resources", "limits", "memory")!), $"{name}: maxmemory is not below the memory limit");

            var labels = At(deployment, "spec", "template", "metadata", "labels");
            Assert.Single(services, svc => Text(svc, "metadata", "name") == name && Text(svc, "spec", "selector", "app") == Text(labels, "app"));
        }
    }

    [Fact]
    public void KubernetesSilosKeepJobStateInTheStateRedisAndMembershipInTheClusterRedis()
    {
        var silo = Container(Kind(Documents("infra", "k8s", "silo-deployment.yaml"), "Deployment"));
        var args = Strings(silo, "args");
        Assert.Equal("range-redis:6379,ssl=true", args[args.IndexOf("--cluster") + 1]);
        var state = Assert.Single(Assert.IsType<YamlSequenceNode>(At(silo, "env")).Children, e => Text(e, "name") == "RANGE_STATE_REDIS");
        Assert.Equal("range-redis-state:6379,ssl=true", Text(state, "value"));
    }

    /// <summary>A Redis size (<c>768mb</c>) or a Kubernetes quantity (<c>1Gi</c>, <c>256Mi</c>) in MiB.</summary>
    private static double Mebibytes(string size)
    {
        var digits = new string(size.TakeWhile(char.IsAsciiDigit).ToArray());
        var unit = size[digits.Length..].ToLowerInvariant();
        return double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) * unit switch
        {
            "gb" or "gi" => 1024,
            "mb" or "mi" => 1,
            "kb" or "ki" => 1.0 / 1024,
            _ => throw new FormatException($"unknown size unit in '{size}'"),
        };
    }

    [Fact]
    public void ComposeServicesHaveHealthchecksAndStartOnlyOnceWhatTheyNeedIsHealthy()
    {
        var compose = Assert.Single(Documents("docker-compose.yml"));
        var services = Assert.IsType<YamlMappingNode>(At(compose, "services"));
        foreach (var (name, service) in services.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value)))
        {
            if (name != "client") Assert.True(At(service, "healthcheck", "test") is not null, $"{name} has no healthcheck");
            var needs = At(service, "depends_on") as YamlMappingNode;
            Assert.True(name is "azurite" or "redis" or "redis-state" || needs is not null, $"{name} waits for nothing");
            foreach (var need in needs?.Children.Values ?? Enumerable.Empty<YamlNode>())
                Assert.Equal("service_healthy", Text(need, "condition"));
            if (!name.StartsWith("silo", StringComparison.Ordinal)) continue;
            var command = Strings(service, "command");
            Assert.Equal("8080", command[command.IndexOf("--health-port") + 1]);
            Assert.Contains("/readyz", string.Join(' ', Strings(service, "healthcheck", "test")));
            // Job state in redis-state, membership in redis: a full state Redis cannot stop the heartbeats.
            Assert.Equal("redis:6379,ssl=true", command[command.IndexOf("--cluster") + 1]);
            Assert.Equal("redis-state:6379,ssl=true", Text(service, "environment", "RANGE_STATE_REDIS"));
            Assert.Equal("service_healthy", Text(service, "depends_on", "redis-state", "condition"));
        }
        var azuriteVolume = Strings(services, "azurite", "volumes").Single().Split(':')[0];
        Assert.True(At(compose, "volumes") is YamlMappingNode declared && declared.Children.ContainsKey(new YamlScalarNode(azuriteVolume)), $"volume {azuriteVolume} is not declared");

        // redis-state: TLS with a password, its append-only file on a declared volume, never evicting, not published.
        var stateCommand = string.Join(' ', Strings(services, "redis-state", "command"));
        foreach (var part in new[] { "--appendonly yes", "--maxmemory-policy noeviction", "--port 0", "--tls-port 6379", "--requirepass" })
            Assert.Contains(part, stateCommand);
        var dataDir = stateCommand.Split(' ')[Array.IndexOf(stateCommand.Split(' '), "--dir") + 1];
        var stateVolume = Assert.Single(Strings(services, "redis-state", "volumes"), v => v.Split(':')[1] == dataDir).Split(':')[0];
        Assert.True(At(compose, "volumes") is YamlMappingNode volumes && volumes.Children.ContainsKey(new YamlScalarNode(stateVolume)), $"volume {stateVolume} is not declared");
        Assert.Null(At(services, "redis-state", "ports"));
        Assert.Contains("--maxmemory-policy noeviction", string.Join(' ', Strings(services, "redis", "command")));
    }
}
