using YamlDotNet.RepresentationModel;

namespace RangeOrleans.Cli.Tests.Deployment;

/// <summary>
/// What the deployment files promise an operator (docs/cluster.md, "Health endpoints and deployment"), read from the
/// files themselves: silo probes on the health port, a Kubernetes Redis whose job state survives its pod (append-only
/// file on a persistent volume) with a password from a Secret and a memory limit, and a compose file whose services
/// wait for each other to be healthy. `docker-compose config` and scripts/check-k8s-manifests.py check the rest of the schema.
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
    public void KubernetesRedisKeepsItsAppendOnlyFileOnAPersistentVolumeWithAPasswordFromASecretAndAMemoryLimit()
    {
        var documents = Documents("infra", "k8s", "redis.yaml");
        var claim = Text(Kind(documents, "PersistentVolumeClaim"), "metadata", "name");
        var deployment = Kind(documents, "Deployment");
        var redis = Container(deployment);
        var args = Strings(redis, "args");
        Assert.Equal("yes", args[args.IndexOf("--appendonly") + 1]);
        var dataDir = args[args.IndexOf("--dir") + 1];
        var mount = Assert.Single(Assert.IsType<YamlSequenceNode>(At(redis, "volumeMounts")).Children, m => Text(m, "mountPath") == dataDir);
        var volume = Assert.Single(Assert.IsType<YamlSequenceNode>(At(deployment, "spec", "template", "spec", "volumes")).Children, v => Text(v, "name") == Text(mount, "name"));
        Assert.Equal(claim, Text(volume, "persistentVolumeClaim", "claimName"));
        Assert.Equal("Recreate", Text(deployment, "spec", "strategy", "type")); // a ReadWriteOnce volume: one pod at a time

        var password = Assert.Single(Assert.IsType<YamlSequenceNode>(At(redis, "env")).Children, e => Text(e, "name") == "REDIS_PASSWORD");
        Assert.NotNull(Text(password, "valueFrom", "secretKeyRef", "name"));
        Assert.Equal("$(REDIS_PASSWORD)", args[args.IndexOf("--requirepass") + 1]);
        Assert.NotNull(Text(redis, "resources", "limits", "memory"));
        Assert.Equal("noeviction", args[args.IndexOf("--maxmemory-policy") + 1]); // job state is not a cache
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
            Assert.True(name is "azurite" or "redis" || needs is not null, $"{name} waits for nothing");
            foreach (var need in needs?.Children.Values ?? Enumerable.Empty<YamlNode>())
                Assert.Equal("service_healthy", Text(need, "condition"));
            if (!name.StartsWith("silo", StringComparison.Ordinal)) continue;
            var command = Strings(service, "command");
            Assert.Equal("8080", command[command.IndexOf("--health-port") + 1]);
            Assert.Contains("/readyz", string.Join(' ', Strings(service, "healthcheck", "test")));
        }
        var azuriteVolume = Strings(services, "azurite", "volumes").Single().Split(':')[0];
        Assert.True(At(compose, "volumes") is YamlMappingNode declared && declared.Children.ContainsKey(new YamlScalarNode(azuriteVolume)), $"volume {azuriteVolume} is not declared");
    }
}
