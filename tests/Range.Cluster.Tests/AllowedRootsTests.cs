using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Cluster.Tests;

/// <summary>
/// The silo's rule on paths (<see cref="AllowedRoots"/>): paths are canonicalised as realpath does before the check, so
/// '..', links (also dangling ones, and links to links) and a root given through a link cannot be used to leave a root.
/// </summary>
public sealed class AllowedRootsTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("range-allowedroots-");

    [Fact]
    public void LinksAndDotDotAreResolvedBeforeTheCheck()
    {
        string root = Directory.CreateDirectory(Path.Combine(_folder.FullName, "root")).FullName;
        string outside = Directory.CreateDirectory(Path.Combine(_folder.FullName, "outside")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(root, "out"), "../outside"); // relative target
        File.CreateSymbolicLink(Path.Combine(root, "dangling.csv"), Path.Combine(outside, "new.csv"));
        Directory.CreateSymbolicLink(Path.Combine(root, "chain"), Path.Combine(root, "out"));
        Directory.CreateSymbolicLink(Path.Combine(_folder.FullName, "root-link"), root);
        var roots = AllowedRoots.Of([Path.Combine(_folder.FullName, "root-link")], []); // a root named through a link counts as its target

        roots.Require(Path.Combine(root, "a", "b.csv"), "--input");
        roots.Require(Path.Combine(_folder.FullName, "root-link", "x"), "--output");
        roots.Require(root, "--output");
        foreach (var escape in new[] { "out/x", "chain/x", "dangling.csv", "a/../../outside/x" })
        {
            var refused = Assert.Throws<ArgumentException>(() => roots.Require(Path.Combine(root, escape), "--output"));
            Assert.Contains("outside this silo's data roots", refused.Message);
        }
        Assert.Equal(Path.Combine(outside, "x"), AllowedRoots.Canonical(Path.Combine(root, "chain", "x")));
        Assert.Throws<ArgumentException>(() => roots.Require(_folder.FullName + "/root2/x", "--output")); // a sibling sharing the prefix
        Assert.Throws<ArgumentException>(() => roots.Require("az://maps/x", "--output"));
        AllowedRoots.Of([], ["*"]).Require("az://maps/x", "--output");
        AllowedRoots.Unrestricted.Require("/etc/x", "--output");
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
