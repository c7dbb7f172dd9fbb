using System.Buffers;
using System.Buffers.Binary;

namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>
/// Validates the framing of an Arrow IPC file or stream before Apache.Arrow reads it. Why: we read
/// files from strangers, and Apache.Arrow allocates from the sizes a file declares before checking
/// them against the bytes that exist (it rents a buffer of the declared metadata length, sizes lists
/// from declared flatbuffer vector lengths, arrays from declared row counts), so a few flipped bytes
/// made it allocate gigabytes. This walk reads only the framing and the flatbuffer metadata, allocates
/// nothing in proportion to a declared size (one metadata buffer at a time, and only after its length
/// was checked against the bytes left), leaves the stream where it was, and refuses anything that
/// claims more than the file holds with a <see cref="RangeFormatException"/> naming the byte offset.
/// <para>
/// Format (arrow.apache.org, "Columnar format: serialization and IPC"): an encapsulated message is
/// [0xFFFFFFFF continuation][int32 metadata length][flatbuffer Message][body of bodyLength bytes]
/// (older writers omit the continuation marker); a metadata length of 0 is the end-of-stream marker.
/// A stream is a Schema message, then dictionary and record batch messages. A file is "ARROW1" plus
/// 2 bytes of padding, the stream, a flatbuffer Footer (schema and the offsets of the batches),
/// its int32 length, and "ARROW1". In a file the schema message may be left out of the stream: Apache
/// Arrow JS (<c>tableToIPC(t, 'file')</c>) writes the batches straight after the magic and the schema
/// only in the footer, which the reference readers accept; the footer's schema is validated either way.
/// </para>
/// <para>
/// Batches with compressed bodies (LZ4 frame or ZSTD) are refused: Apache.Arrow decompresses only
/// through a codec package (Apache.Arrow.Compression) this project does not ship.
/// </para>
/// </summary>
internal static class ArrowIpcFraming
{
    private static ReadOnlySpan<byte> Magic => "ARROW1"u8;
    private const int HeaderSize = 8;                      // "ARROW1" + 2 bytes padding
    private const int TrailerSize = 10;                    // int32 footer length + "ARROW1"
    private const int MaxNesting = 64;                     // Apache.Arrow builds nested fields recursively

    // Flatbuf.MessageHeader values.
    private const int SchemaMessage = 1, DictionaryBatchMessage = 2, RecordBatchMessage = 3, LastKnownMessage = 5;
    private const int UnionType = 14;                      // Flatbuf.Type.Union
    private const int BlockSize = 24;                      // struct Block { long offset; int metaDataLength; (pad); long bodyLength; }
    private const int FieldNodeSize = 16, BufferSize = 16; // struct FieldNode { long length, nullCount; }, struct Buffer { long offset, length; }
    private static readonly string[] s_codecs = ["LZ4_FRAME", "ZSTD"]; // Flatbuf.CompressionType

    private readonly record struct MessageStart(long Offset, int HeaderType);

    /// <summary>Validates a whole IPC file held by a seekable stream.</summary>
    public static void ValidateFile(Stream stream, string source)
    {
        RequireSeekable(stream);
        long saved = stream.Position;
        try
        {
            long length = stream.Length;
            Span<byte> edge = stackalloc byte[TrailerSize];
            if (length < HeaderSize + TrailerSize)
                throw Error(source, 0, $"an Arrow IPC file is at least {HeaderSize + TrailerSize} bytes, this one has {length}");
            ReadAt(stream, 0, edge[..Magic.Length]);
            if (!edge[..Magic.Length].SequenceEqual(Magic))
                throw Error(source, 0, "does not start with the Arrow file magic \"ARROW1\"");
            ReadAt(stream, length - TrailerSize, edge);
            if (!edge[4..].SequenceEqual(Magic))
                throw Error(source, length - Magic.Length, "does not end with the Arrow file magic \"ARROW1\"");
            int footerLength = BinaryPrimitives.ReadInt32LittleEndian(edge);
            long footerStart = length - TrailerSize - footerLength;
            if (footerLength <= 0 || footerStart < HeaderSize)
                throw Error(source, length - TrailerSize, $"footer length {footerLength} does not fit in a file of {length} bytes");

            var messages = WalkMessages(stream, source, HeaderSize, footerStart, schemaInFooter: true);
            ValidateFooter(stream, source, footerStart, footerLength, messages);
        }
        finally { stream.Position = saved; }
    }

    /// <summary>Validates an IPC stream from the current position of a seekable stream to its end.</summary>
    public static void ValidateStream(Stream stream, string source)
    {
        RequireSeekable(stream);
        long saved = stream.Position;
        try
        {
            if (WalkMessages(stream, source, saved, stream.Length, schemaInFooter: false).Count == 0)
                throw Error(source, saved, "the stream holds no schema message");
        }
        finally { stream.Position = saved; }
    }

    /// <summary>
    /// Walks the messages in [start, end): framing, metadata and body lengths; returns where each
    /// message starts. (A file without batches may hold none: Apache.Arrow then writes only the
    /// end-of-stream marker, the schema lives in the footer.) A stream must start with its schema; in a
    /// file (<paramref name="schemaInFooter"/>) a schema message is optional, but only first.
    /// </summary>
    private static List<MessageStart> WalkMessages(Stream stream, string source, long start, long end, bool schemaInFooter)
    {
        var messages = new List<MessageStart>();
        Span<byte> prefix = stackalloc byte[8];
        long position = start;
        while (position < end)
        {
            long left = end - position;
            if (left < 4)
                throw Error(source, position, $"{left} stray bytes where a message length was expected");
            ReadAt(stream, position, prefix[..4]);
            int prefixSize = 4;
            int metadataLength = BinaryPrimitives.ReadInt32LittleEndian(prefix);
            if (metadataLength == -1)
            {
                if (left < 8)
                    throw Error(source, position, "truncated after a continuation marker");
                ReadAt(stream, position + 4, prefix[4..8]);
                metadataLength = BinaryPrimitives.ReadInt32LittleEndian(prefix[4..]);
                prefixSize = 8;
            }
            if (metadataLength == 0) break; // end-of-stream marker
            left -= prefixSize;
            if (metadataLength < 0 || metadataLength > left)
                throw Error(source, position, $"message metadata length {metadataLength} exceeds the {left} bytes left");

            long metadataStart = position + prefixSize;
            var (headerType, bodyLength) = ValidateMessage(stream, source, metadataStart, metadataLength);
            left -= metadataLength;
            if (bodyLength < 0 || bodyLength > left)
                throw Error(source, position, $"message body length {bodyLength} exceeds the {left} bytes left");
            if (messages.Count == 0 && headerType != SchemaMessage && !schemaInFooter)
                throw Error(source, position, $"the first message must be a schema (message type {headerType})");
            if (messages.Count > 0 && headerType == SchemaMessage)
                throw Error(source, position, "a second schema message (a schema may only come first)");
            messages.Add(new MessageStart(position, headerType));
            position = metadataStart + metadataLength + bodyLength;
        }
        return messages;
    }

    /// <summary>Reads one Message flatbuffer and checks its header against its body length.</summary>
    private static (int HeaderType, long BodyLength) ValidateMessage(Stream stream, string source, long offset, int length)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(length); // length was checked against the bytes left
        try
        {
            var bytes = rented.AsSpan(0, length);
            ReadAt(stream, offset, bytes);
            var fb = new CheckedFlatBuffer(bytes, offset, source, "message");
            int message = fb.Root();
            int headerType = fb.UInt8(message, 1);
            int header = fb.TableField(message, 2);
            long bodyLength = fb.Int64(message, 3);
            fb.Require(headerType is > 0 and <= LastKnownMessage, message, $"unknown message type {headerType}");
            fb.Require(header >= 0, message, "message has no header");
            switch (headerType)
            {
                case SchemaMessage:
                    ValidateSchema(fb, header);
                    break;
                case DictionaryBatchMessage:
                    int data = fb.TableField(header, 1);
                    fb.Require(data >= 0, header, "dictionary batch has no data");
                    ValidateRecordBatch(fb, data, bodyLength);
                    RefuseCompression(fb, data, source, offset, "dictionary batch");
                    break;
                case RecordBatchMessage:
                    ValidateRecordBatch(fb, header, bodyLength);
                    RefuseCompression(fb, header, source, offset, "record batch");
                    break;
            }
            return (headerType, bodyLength);
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>
    /// Row counts, node and buffer vectors of a record batch. Every column type this reader can meet
    /// takes at least one bit per row, so a batch (or node) declaring more rows than 8 x its body bytes
    /// is refused before anything is sized from it.
    /// </summary>
    private static void ValidateRecordBatch(CheckedFlatBuffer fb, int batch, long bodyLength)
    {
        long maxRows = Math.Max(0, bodyLength) * 8;
        long rows = fb.Int64(batch, 0);
        fb.Require(rows >= 0 && rows <= maxRows, batch, $"record batch declares {rows} rows but its body of {bodyLength} bytes holds at most {maxRows}");
        var (nodes, nodeCount) = fb.Vector(batch, 1, FieldNodeSize);
        for (int i = 0; i < nodeCount; i++)
        {
            int node = nodes + i * FieldNodeSize;
            long length = fb.Int64At(node), nulls = fb.Int64At(node + 8);
            fb.Require(length >= 0 && length <= maxRows, node, $"column {i} declares {length} values but the body holds at most {maxRows}");
            fb.Require(nulls >= 0 && nulls <= length, node, $"column {i} declares {nulls} nulls in {length} values");
        }
        var (buffers, bufferCount) = fb.Vector(batch, 2, BufferSize);
        for (int i = 0; i < bufferCount; i++)
        {
            int buffer = buffers + i * BufferSize;
            long offset = fb.Int64At(buffer), length = fb.Int64At(buffer + 8);
            fb.Require(offset >= 0 && length >= 0 && length <= bodyLength - offset, buffer,
                $"buffer {i} ({length} bytes at {offset}) lies outside the body of {bodyLength} bytes");
        }
        fb.Vector(batch, 4, 8); // variadic buffer counts
    }

    /// <summary>A batch's optional BodyCompression table (field 3: codec, method): present means its buffers are compressed.</summary>
    private static void RefuseCompression(CheckedFlatBuffer fb, int batch, string source, long messageOffset, string kind)
    {
        int compression = fb.TableField(batch, 3);
        if (compression < 0) return;
        int codec = fb.UInt8(compression, 0);
        string name = codec < s_codecs.Length ? s_codecs[codec] : $"codec {codec}";
        throw new RangeFormatException(source,
            $"the {kind} at byte {messageOffset} is compressed with {name}; compressed Arrow IPC data is not supported: write it uncompressed (pyarrow: compression=None)");
    }

    private static void ValidateSchema(CheckedFlatBuffer fb, int schema)
    {
        ValidateFields(fb, fb.Vector(schema, 1, 4), depth: 0);
        ValidateKeyValues(fb, fb.Vector(schema, 2, 4));
        fb.Vector(schema, 3, 8); // features
    }

    private static void ValidateFields(CheckedFlatBuffer fb, (int Start, int Count) fields, int depth)
    {
        fb.Require(depth <= MaxNesting, fields.Start, $"fields nested deeper than {MaxNesting} levels");
        for (int i = 0; i < fields.Count; i++)
        {
            int field = fb.TableAt(fields.Start + 4 * i);
            fb.Vector(field, 0, 1); // name
            if (fb.UInt8(field, 2) == UnionType && fb.TableField(field, 3) is var union and >= 0)
                fb.Vector(union, 1, 4); // type ids
            ValidateFields(fb, fb.Vector(field, 5, 4), depth + 1);
            ValidateKeyValues(fb, fb.Vector(field, 6, 4));
        }
    }

    private static void ValidateKeyValues(CheckedFlatBuffer fb, (int Start, int Count) pairs)
    {
        for (int i = 0; i < pairs.Count; i++)
        {
            int pair = fb.TableAt(pairs.Start + 4 * i);
            fb.Vector(pair, 0, 1);
            fb.Vector(pair, 1, 1);
        }
    }

    /// <summary>The footer's schema, and that every block it lists starts a message of the right kind (Apache.Arrow seeks to them).</summary>
    private static void ValidateFooter(Stream stream, string source, long offset, int length, List<MessageStart> messages)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(length); // the footer length was checked against the file
        try
        {
            var bytes = rented.AsSpan(0, length);
            ReadAt(stream, offset, bytes);
            var fb = new CheckedFlatBuffer(bytes, offset, source, "footer");
            int footer = fb.Root();
            int schema = fb.TableField(footer, 1);
            fb.Require(schema >= 0, footer, "footer has no schema");
            ValidateSchema(fb, schema);
            ValidateBlocks(fb, fb.Vector(footer, 2, BlockSize), messages, DictionaryBatchMessage, "dictionary");
            ValidateBlocks(fb, fb.Vector(footer, 3, BlockSize), messages, RecordBatchMessage, "record batch");
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    private static void ValidateBlocks(CheckedFlatBuffer fb, (int Start, int Count) blocks, List<MessageStart> messages, int headerType, string kind)
    {
        for (int i = 0; i < blocks.Count; i++)
        {
            int block = blocks.Start + i * BlockSize;
            long offset = fb.Int64At(block);
            int found = messages.BinarySearch(new MessageStart(offset, 0), MessageOffsetOrder.Instance);
            fb.Require(found >= 0 && messages[found].HeaderType == headerType, block,
                $"{kind} block {i} points to byte {offset}, which does not start a {kind} message");
        }
    }

    private sealed class MessageOffsetOrder : IComparer<MessageStart>
    {
        public static readonly MessageOffsetOrder Instance = new();
        public int Compare(MessageStart x, MessageStart y) => x.Offset.CompareTo(y.Offset);
    }

    private static void RequireSeekable(Stream stream)
    {
        if (!stream.CanSeek || !stream.CanRead)
            throw new ArgumentException("Arrow IPC input must be a readable, seekable stream (it is validated before it is read)", nameof(stream));
    }

    private static void ReadAt(Stream stream, long offset, Span<byte> target)
    {
        stream.Position = offset;
        stream.ReadExactly(target);
    }

    private static RangeFormatException Error(string source, long offset, string detail) =>
        new(source, $"malformed Arrow IPC data at byte {offset}: {detail}");
}
