using System.IO.Compression;
using System.IO.Hashing;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Formats.Numpy;

namespace RangeOrleans.Core.Tests.Formats;

/// <summary>Every member of a .ckpt or .npz is checked against its CRC-32 as it is read (<see cref="ZipMember"/>).</summary>
public class ZipMemberTests
{
    internal static byte[] SmallCheckpoint()
    {
        using var dir = new TempDir();
        var path = dir.File("small.ckpt");
        var rng = new Random(3);
        HostTensor T(params long[] shape)
        {
            long n = shape.Aggregate(1L, (a, b) => a * b);
            return new HostTensor(TensorDType.Float64, shape, Enumerable.Range(0, (int)n).Select(_ => rng.NextDouble()).ToArray());
        }
        TorchCheckpointWriter.Write(path, new Dictionary<string, HostTensor>
        {
            ["model.location.nnet.layers.0.weight"] = T(8, 9),
            ["model.location.nnet.layers.0.bias"] = T(8),
            ["model.location.nnet.last_layer.weight"] = T(4, 8),
            ["model.location.nnet.last_layer.bias"] = T(4),
        }, new Dictionary<string, object?> { ["legendre_polys"] = 3L, ["capacity"] = 8L, ["num_hidden_layers"] = 1L, ["embed_dim"] = 4L });
        return File.ReadAllBytes(path);
    }

    /// <summary>Where each member's (stored) bytes lie in the zip, for members whose bytes occur once.</summary>
    private static List<(string Member, int Start, int Length)> MemberData(byte[] zipBytes, Func<string, bool> which)
    {
        var found = new List<(string, int, int)>();
        using var zip = new ZipArchive(new MemoryStream(zipBytes));
        foreach (var entry in zip.Entries.Where(e => which(e.FullName) && e.Length > 0))
        {
            Assert.Equal(entry.Length, entry.CompressedLength); // stored
            var bytes = new byte[entry.Length];
            using (var s = entry.Open()) s.ReadExactly(bytes);
            int at = zipBytes.AsSpan().IndexOf(bytes);
            Assert.True(at >= 0 && zipBytes.AsSpan().LastIndexOf(bytes) == at, $"{entry.FullName}: data not found once");
            found.Add((entry.FullName, at, bytes.Length));
        }
        return found;
    }

    private static void AssertRefusedNaming(Action read, string member, string what)
    {
        var e = Assert.ThrowsAny<RangeFormatException>(read);
        // A flip the parser meets first (an .npy header) is refused by it, naming the member as file.npz:member.npy.
        Assert.True(e.Message.Contains(member, StringComparison.Ordinal), $"{what}: message does not name {member}: {e.Message}");
    }

    [Fact]
    public void FlippingAnyByteOfAnyCheckpointMemberReadIsRefusedNamingTheMember()
    {
        var seed = SmallCheckpoint();
        // data.pkl, byteorder and every storage: all the members the reader reads.
        var members = MemberData(seed, name => !name.EndsWith("/version", StringComparison.Ordinal));
        Assert.Contains(members, m => m.Member.EndsWith("/data.pkl", StringComparison.Ordinal));
        Assert.Equal(4, members.Count(m => m.Member.Contains("/data/", StringComparison.Ordinal)));
        int cases = 0;
        foreach (var (member, start, length) in members)
        {
            for (int i = start; i < start + length; i++)
            {
                var bytes = (byte[])seed.Clone();
                bytes[i] ^= 0xFF;
                AssertRefusedNaming(() => TorchCheckpointReader.Read(new MemoryStream(bytes), "small.ckpt"), member, $"byte {i - start} of {member}");
                cases++;
            }
        }
        Assert.True(cases > 1000, $"only {cases} bytes tried");
    }

    [Fact]
    public void TheFixtureCheckpointWith200BytesFlippedInOneStorageIsRefusedNamingFileAndMember()
    {
        var path = TestData.Fixture("satclip_l10/satclip.ckpt");
        var bytes = File.ReadAllBytes(path);
        var (_, start, _) = MemberData(bytes, name => name == "satclip/data/25").Single();
        for (int i = 0; i < 200; i++) bytes[start + 1000 + i] ^= 0x5A;
        using var dir = new TempDir();
        var corrupt = dir.File("corrupt.ckpt");
        File.WriteAllBytes(corrupt, bytes);

        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(corrupt));
        Assert.StartsWith(corrupt + ": zip member 'satclip/data/25' fails its CRC-32 check", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FlippingAnyByteOfAnNpzMemberIsRefusedNamingTheMember(bool compressed)
    {
        using var dir = new TempDir();
        var path = dir.File("x.npz");
        var rng = new Random(4);
        NpzWriter.Write(path, new Dictionary<string, HostTensor>
        {
            ["locs"] = new(TensorDType.Float64, [20, 2], Enumerable.Range(0, 40).Select(_ => rng.NextDouble()).ToArray()),
            ["keys"] = new(TensorDType.Float32, [20, 3], Enumerable.Range(0, 60).Select(_ => (float)rng.NextDouble()).ToArray()),
        }, compressed);
        var seed = File.ReadAllBytes(path);
        var regions = new List<(string Member, int Start, int Length)>();
        using (var zip = new ZipArchive(new MemoryStream(seed)))
        {
            // The compressed bytes of a deflated member: found from its local header (30 bytes + name + extra).
            foreach (var entry in zip.Entries)
            {
                var name = System.Text.Encoding.UTF8.GetBytes(entry.FullName);
                int header = seed.AsSpan().IndexOf([.. "PK\u0003\u0004"u8]);
                while (!seed.AsSpan(header + 30, name.Length).SequenceEqual(name))
                    header += 4 + seed.AsSpan(header + 4).IndexOf([.. "PK\u0003\u0004"u8]);
                int extra = BitConverter.ToUInt16(seed, header + 28);
                regions.Add((entry.FullName, header + 30 + name.Length + extra, (int)entry.CompressedLength));
            }
        }
        Assert.Equal(2, regions.Count);
        string ReadAll()
        {
            using var npz = NpzReader.Open(path);
            return string.Join(";", npz.Names.Select(n => string.Join(",", npz.Read(n).ToDoubleArray())));
        }
        File.WriteAllBytes(path, seed);
        string original = ReadAll();
        var unchanged = new List<string>();
        foreach (var (member, start, length) in regions)
        {
            for (int i = start; i < start + length; i++)
            {
                var bytes = (byte[])seed.Clone();
                bytes[i] ^= 0xFF;
                File.WriteAllBytes(path, bytes);
                string? read = null;
                try { read = ReadAll(); }
                catch (RangeFormatException e)
                {
                    // A flip the parser meets first (an .npy header) is refused by it, naming the member as file.npz:member.npy.
                    Assert.True(e.Message.Contains(member, StringComparison.Ordinal), $"byte {i - start} of {member}: message does not name it: {e.Message}");
                }
                if (read is null) continue;
                // Only deflate can hide a flip: bits after the final block's end code decode to the same bytes.
                Assert.Equal(original, read);
                unchanged.Add($"{member} byte {i - start} of {length}");
            }
        }
        Assert.True(compressed ? unchanged.Count <= 2 : unchanged.Count == 0, string.Join("; ", unchanged));
    }

    [Fact]
    public void AMemberSavedWithoutACrcIsRefusedNamingTheMemberAndTheSetting()
    {
        var seed = SmallCheckpoint();
        uint crc;
        using (var zip = new ZipArchive(new MemoryStream(seed))) crc = zip.Entries.Single(e => e.FullName.EndsWith("/data/0", StringComparison.Ordinal)).Crc32;
        // Zero the CRC wherever it is recorded (local header, central directory), as torch.save with compute_crc32 = False writes.
        var bytes = (byte[])seed.Clone();
        var pattern = BitConverter.GetBytes(crc);
        int zeroed = 0;
        for (int at; (at = bytes.AsSpan().IndexOf(pattern)) >= 0; zeroed++) Array.Clear(bytes, at, 4);
        Assert.True(zeroed >= 2);

        var e = Assert.Throws<RangeFormatException>(() => TorchCheckpointReader.Read(new MemoryStream(bytes), "nocrc.ckpt"));
        Assert.Contains("/data/0' has no CRC-32", e.Message);
        Assert.Contains("compute_crc32", e.Message);
    }

    [Fact]
    public void WrittenCheckpointsAndArchivesRecordTheCrcOfEveryMember()
    {
        using var dir = new TempDir();
        var npz = dir.File("x.npz");
        NpzWriter.Write(npz, new Dictionary<string, HostTensor> { ["a"] = new(TensorDType.Float64, [3], new double[] { 1, 2, 3 }) }, compressed: true);
        foreach (var file in new[] { SmallCheckpoint(), File.ReadAllBytes(npz) })
        {
            using var zip = new ZipArchive(new MemoryStream(file));
            foreach (var entry in zip.Entries)
            {
                var bytes = ZipMember.ReadAllBytes(entry, "written"); // throws on a mismatch
                Assert.Equal(Crc32.HashToUInt32(bytes), entry.Crc32);
            }
        }
    }

    [Fact]
    public void APartlyReadMemberIsStillCheckedToItsEnd()
    {
        var seed = SmallCheckpoint();
        var (member, start, length) = MemberData(seed, name => name.EndsWith("/data/0", StringComparison.Ordinal)).Single();
        seed[start + length - 1] ^= 1;
        using var zip = new ZipArchive(new MemoryStream(seed));
        var e = Assert.Throws<RangeFormatException>(() => ZipMember.Read(zip.GetEntry(member)!, "x.ckpt", s => s.ReadByte()));
        Assert.Contains($"'{member}' fails its CRC-32 check", e.Message);
    }
}
