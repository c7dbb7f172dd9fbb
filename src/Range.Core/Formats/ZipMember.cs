using System.IO.Compression;
using System.IO.Hashing;

namespace RangeOrleans.Core.Formats;

/// <summary>
/// The one way this project reads a member of a zip-based format (<c>.ckpt</c> from torch.save, <c>.npz</c>
/// from numpy): the member's CRC-32 is computed as its bytes stream past the parser (no second pass) and
/// compared with the zip's central directory when the last byte has been read. .NET's ZipArchive does not
/// check it, so without this a flipped byte in a tensor silently changes a model.
/// <para>
/// Policy for members saved without a CRC (torch.save with
/// <c>torch.serialization.config.save.compute_crc32 = False</c> records 0): they are refused like any other
/// mismatch, naming the option, because nothing else could tell such a file from a corrupt one. Python's
/// <c>zipfile</c> refuses them too. A member whose bytes really hash to 0 (and every empty member) passes.
/// Members a reader never opens (torch's <c>version</c>, <c>.data/serialization_id</c>, storages no tensor
/// refers to) are not read and so cannot change what is read.
/// </para>
/// </summary>
public static class ZipMember
{
    /// <summary>
    /// Opens <paramref name="entry"/>, lets <paramref name="parse"/> read it, then reads what the parser left
    /// (counted into the CRC, not kept) and checks size and CRC-32. Any failure is a
    /// <see cref="RangeFormatException"/> naming <paramref name="source"/> and the member.
    /// </summary>
    public static T Read<T>(ZipArchiveEntry entry, string source, Func<Stream, T> parse)
    {
        using var stream = new CheckedMemberStream(entry, source);
        T result = parse(stream);
        stream.Finish();
        return result;
    }

    /// <summary>All bytes of a member (for small members: a pickle, a byte-order tag), checked.</summary>
    public static byte[] ReadAllBytes(ZipArchiveEntry entry, string source)
    {
        var bytes = new byte[entry.Length];
        return Read(entry, source, s =>
        {
            s.ReadExactly(bytes);
            return bytes;
        });
    }

    /// <summary>A read-only stream over one member that checks its length and CRC-32 when its last byte is read.</summary>
    private sealed class CheckedMemberStream : Stream
    {
        private readonly ZipArchiveEntry _entry;
        private readonly string _source;
        private readonly Stream _inner;
        private readonly Crc32 _crc = new();
        private long _read;
        private bool _verified;

        public CheckedMemberStream(ZipArchiveEntry entry, string source)
        {
            _entry = entry;
            _source = source;
            try { _inner = entry.Open(); }
            catch (InvalidDataException e) { throw Corrupt($"cannot be opened: {e.Message}", e); }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => _entry.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (buffer.IsEmpty) return 0;
            int n;
            try { n = _inner.Read(buffer); }
            catch (InvalidDataException e) { throw Corrupt($"cannot be decompressed: {e.Message}", e); }
            _crc.Append(buffer[..n]);
            _read += n;
            if (_read > _entry.Length) throw Corrupt($"holds more than the {_entry.Length} bytes the zip directory records");
            if (n == 0 || _read == _entry.Length) Verify();
            return n;
        }

        /// <summary>Reads whatever the parser did not (through the CRC) and verifies the member.</summary>
        public void Finish()
        {
            Span<byte> scratch = stackalloc byte[4096];
            while (!_verified && Read(scratch) > 0) { }
            Verify(); // a member that was already read to its end
        }

        private void Verify()
        {
            if (_verified) return;
            if (_read != _entry.Length) throw Corrupt($"ends after {_read} of the {_entry.Length} bytes the zip directory records");
            uint actual = _crc.GetCurrentHashAsUInt32();
            uint recorded = _entry.Crc32;
            if (actual != recorded)
            {
                throw Corrupt(recorded == 0
                    ? $"has no CRC-32 (recorded 0; its bytes give {actual:x8}): saved without CRCs (torch.serialization.config.save.compute_crc32 = False?) " +
                      "or corrupt; files without CRCs are refused because their integrity cannot be checked, save it again with CRCs"
                    : $"fails its CRC-32 check (recorded {recorded:x8}, its bytes give {actual:x8}): the file is corrupt");
            }
            _verified = true;
        }

        private RangeFormatException Corrupt(string detail, Exception? inner = null) =>
            new(_source, $"zip member '{_entry.FullName}' {detail}", inner);

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
