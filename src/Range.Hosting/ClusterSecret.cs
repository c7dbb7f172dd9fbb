using System.Security.Cryptography;

namespace RangeOrleans.Hosting;

/// <summary>
/// The key only the silos of a cluster hold (never a client: clients hold a certificate and the Redis password, so
/// neither can tell a silo from a client). Silos sign their internal calls with it (<see cref="CallStamp"/>), and the
/// front door (<see cref="ClusterBoundaryFilter"/>) runs an internal method only for a call that carries a fresh stamp.
/// `range silo --cluster-secret-file` (or <see cref="FileVariable"/>) reads it from a file, the same on every silo; the
/// in-process silo of a local command makes a random one (<see cref="Random"/>): it has no other silo to agree with.
/// </summary>
public sealed class ClusterSecret
{
    public const string FileVariable = "RANGE_CLUSTER_SECRET_FILE";

    /// <summary>Fewest bytes a secret file must hold (after trailing whitespace): `openssl rand -hex 32` gives 64.</summary>
    public const int MinimumBytes = 32;

    // One HMAC per thread, keyed once: keying costs twice what hashing a stamp does (HMACSHA256.HashData keys every call).
    private readonly ThreadLocal<HMACSHA256> _hmac;

    private ClusterSecret(byte[] key) => _hmac = new(() => new HMACSHA256(key));

    /// <summary>HMAC-SHA256 of <paramref name="data"/> under this secret into <paramref name="mac"/> (32 bytes).</summary>
    internal void Sign(ReadOnlySpan<byte> data, Span<byte> mac) => _hmac.Value!.TryComputeHash(data, mac, out _);

    /// <summary>A new random secret, for a silo alone in its process (the embedded default).</summary>
    public static ClusterSecret Random() => new(RandomNumberGenerator.GetBytes(MinimumBytes));

    /// <summary>
    /// The secret in <paramref name="file"/> (else the file <see cref="FileVariable"/> names); null when neither names one.
    /// ArgumentException (exit 2) naming the file when it cannot be read or is too short to be a secret.
    /// </summary>
    public static ClusterSecret? Load(string? file = null)
    {
        file ??= Environment.GetEnvironmentVariable(FileVariable) is { Length: > 0 } named ? named : null;
        if (file is null) return null;
        byte[] content;
        try { content = File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cluster secret file '{file}' cannot be read ({e.Message.TrimEnd('.')}); {MakeOne}");
        }
        // A trailing newline (echo, an editor, a Kubernetes Secret made from a file) is not part of the secret.
        int length = content.Length;
        while (length > 0 && content[length - 1] is (byte)'\n' or (byte)'\r' or (byte)' ' or (byte)'\t') length--;
        if (length < MinimumBytes)
            throw new ArgumentException($"cluster secret file '{file}' holds {length} bytes; a cluster secret needs at least {MinimumBytes} random ones; {MakeOne}");
        return new ClusterSecret(content[..length]);
    }

    private const string MakeOne = "make one with `openssl rand -hex 32 > FILE` (scripts/make-certs.sh makes cluster-secret) and give every silo the same file (docs/security.md)";
}
