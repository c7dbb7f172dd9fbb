using System.Security.Cryptography;
using System.Text;

namespace RangeOrleans.Storage;

/// <summary>Whole-blob helpers over <see cref="IBlobStore"/>; every write is atomic (create, write, commit).</summary>
public static class BlobStoreExtensions
{
    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task WriteAllBytesAsync(this IBlobStore store, string name, ReadOnlyMemory<byte> content,
        CancellationToken cancellationToken = default)
    {
        await using var writer = await store.CreateAsync(name, cancellationToken).ConfigureAwait(false);
        await writer.Stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
        await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    // Whole-blob reads of a blob that a writer keeps replacing (a live job's status, shards.sha256) read it again rather
    // than fail: each replacement is whole, so a later attempt sees the newer version.
    private const int ReadAttempts = 5;

    public static Task<byte[]> ReadAllBytesAsync(this IBlobStore store, string name,
        CancellationToken cancellationToken = default) =>
        store.ReadWholeAsync(name, async stream =>
        {
            using var copy = stream.CanSeek ? new MemoryStream(checked((int)stream.Length)) : new MemoryStream();
            await stream.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            return copy.Length == copy.Capacity ? copy.GetBuffer() : copy.ToArray();
        }, cancellationToken);

    /// <summary>Writes UTF-8 without a byte-order mark.</summary>
    public static Task WriteAllTextAsync(this IBlobStore store, string name, string text,
        CancellationToken cancellationToken = default) =>
        store.WriteAllBytesAsync(name, Utf8NoBom.GetBytes(text), cancellationToken);

    /// <summary>Reads UTF-8 (a byte-order mark, if any, is dropped).</summary>
    public static Task<string> ReadAllTextAsync(this IBlobStore store, string name,
        CancellationToken cancellationToken = default) =>
        store.ReadWholeAsync(name, async stream =>
        {
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Deletes every committed blob whose name starts with <paramref name="prefix"/> (listed first, then deleted).</summary>
    public static async Task DeleteUnderAsync(this IBlobStore store, string prefix, CancellationToken cancellationToken = default)
    {
        var names = new List<string>();
        await foreach (var entry in store.ListAsync(prefix, cancellationToken).ConfigureAwait(false)) names.Add(entry.Name);
        foreach (var name in names) await store.DeleteAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The SHA-256 of a blob's content, lower-case hex, computed while streaming it.</summary>
    public static Task<string> Sha256Async(this IBlobStore store, string name,
        CancellationToken cancellationToken = default) =>
        store.ReadWholeAsync(name, async stream =>
            Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false)),
            cancellationToken);

    private static async Task<T> ReadWholeAsync<T>(this IBlobStore store, string name, Func<Stream, Task<T>> read,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var stream = await store.OpenReadAsync(name, cancellationToken).ConfigureAwait(false);
                return await read(stream).ConfigureAwait(false);
            }
            catch (BlobReplacedWhileReadingException) when (attempt < ReadAttempts)
            {
            }
        }
    }
}
