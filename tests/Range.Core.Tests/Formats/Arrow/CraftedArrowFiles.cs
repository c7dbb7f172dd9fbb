using System.Buffers.Binary;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Core.Tests.Formats.Arrow;

/// <summary>
/// Hostile Arrow IPC inputs made from well-formed ones by overwriting one declared size: the
/// fields are located by walking the real framing and flatbuffers, so each case changes exactly the
/// size it names.
/// </summary>
internal static class CraftedArrowFiles
{
    public const long TenToTheTwelfth = 1_000_000_000_000;

    /// <summary>One encapsulated message: where it starts, the size of its length prefix, and its metadata length.</summary>
    public sealed record Message(int Offset, int PrefixSize, int MetadataLength)
    {
        public int MetadataStart => Offset + PrefixSize;
    }

    /// <summary>A lon/lat file (or stream) of <paramref name="rows"/> float64 rows, written by Apache.Arrow.</summary>
    public static byte[] LonLat(int rows, bool fileFormat, bool legacyFraming = false)
    {
        var schema = new Schema([new Field("lon", DoubleType.Default, false), new Field("lat", DoubleType.Default, false)], null);
        var values = Enumerable.Range(0, rows).Select(i => (double)(i % 90)).ToArray();
        var batch = new RecordBatch(schema, [ArrowColumns.Doubles(values), ArrowColumns.Doubles(values)], rows);
        var options = new IpcOptions { WriteLegacyIpcFormat = legacyFraming };
        var stream = new MemoryStream();
        using (ArrowStreamWriter writer = fileFormat ? new ArrowFileWriter(stream, schema, leaveOpen: true, options) : new ArrowStreamWriter(stream, schema, leaveOpen: true, options))
        {
            writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        return stream.ToArray();
    }

    /// <summary>The messages of a file (from byte 8) or stream (from byte 0), up to the end-of-stream marker.</summary>
    public static List<Message> Messages(byte[] bytes)
    {
        bool file = bytes.AsSpan().StartsWith("ARROW1"u8);
        int position = file ? 8 : 0;
        var messages = new List<Message>();
        while (position + 8 <= bytes.Length)
        {
            int prefix = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position)) == -1 ? 8 : 4;
            int length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(position + prefix - 4));
            if (length == 0) break;
            var message = new Message(position, prefix, length);
            messages.Add(message);
            position = message.MetadataStart + length + (int)BodyLength(bytes, message);
        }
        return messages;
    }

    /// <summary>The first record batch message.</summary>
    public static Message FirstBatch(byte[] bytes) => Messages(bytes)[1];

    public enum MessageField { BodyLength, Rows, NodesCount, FirstNodeLength, BuffersCount }

    /// <summary>The file offset of a field of a record batch message's metadata.</summary>
    public static int Locate(byte[] bytes, Message message, MessageField field)
    {
        var fb = new CheckedFlatBuffer(bytes.AsSpan(message.MetadataStart, message.MetadataLength), message.MetadataStart, "crafted", "message");
        int root = fb.Root();
        int at;
        if (field == MessageField.BodyLength) at = fb.Field(root, 3, 8);
        else
        {
            int batch = fb.TableField(root, 2);
            at = field switch
            {
                MessageField.Rows => fb.Field(batch, 0, 8),
                MessageField.NodesCount => fb.Vector(batch, 1, 16).Start - 4,
                MessageField.FirstNodeLength => fb.Vector(batch, 1, 16).Start,
                _ => fb.Vector(batch, 2, 16).Start - 4,
            };
        }
        Assert.True(at >= 0, $"{field} is not present in the message at byte {message.Offset}");
        return message.MetadataStart + at;
    }

    /// <summary>The file offset of the first record batch block's offset in the footer of a file.</summary>
    public static int FirstFooterBlock(byte[] bytes)
    {
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 10));
        int footerStart = bytes.Length - 10 - footerLength;
        var fb = new CheckedFlatBuffer(bytes.AsSpan(footerStart, footerLength), footerStart, "crafted", "footer");
        return footerStart + fb.Vector(fb.Root(), 3, 24).Start;
    }

    /// <summary>A copy of <paramref name="bytes"/> with a little-endian integer of <paramref name="size"/> bytes written at <paramref name="at"/>.</summary>
    public static byte[] With(byte[] bytes, int at, long value, int size)
    {
        var copy = (byte[])bytes.Clone();
        if (size == 8) BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(at), value);
        else BinaryPrimitives.WriteInt32LittleEndian(copy.AsSpan(at), checked((int)value));
        return copy;
    }

    /// <summary>Each way of declaring a size the input does not hold, applied to a well-formed file or stream that has a record batch.</summary>
    public static List<(byte[] Bytes, string How)> HostileVariants(byte[] seed)
    {
        var messages = Messages(seed);
        var schema = messages[0];
        var batch = messages[1];
        var cases = new List<(byte[], string)>
        {
            (With(seed, schema.MetadataStart - 4, int.MaxValue, 4), "schema metadata length 0x7FFFFFFF (2 GB)"),
            (With(seed, batch.MetadataStart - 4, int.MaxValue, 4), "record batch metadata length 0x7FFFFFFF (2 GB)"),
            (With(seed, schema.Offset, int.MaxValue, 4), "legacy length prefix 0x7FFFFFFF where the continuation marker was"),
            (With(seed, Locate(seed, batch, MessageField.BodyLength), TenToTheTwelfth, 8), "record batch body of 10^12 bytes"),
            (With(seed, Locate(seed, batch, MessageField.Rows), 1L << 31, 8), "record batch of 2^31 rows"),
            (With(seed, Locate(seed, batch, MessageField.Rows), TenToTheTwelfth, 8), "record batch of 10^12 rows"),
            (With(seed, Locate(seed, batch, MessageField.FirstNodeLength), TenToTheTwelfth, 8), "column of 10^12 values"),
            (With(seed, Locate(seed, batch, MessageField.NodesCount), int.MaxValue, 4), "2^31-1 column nodes"),
            (With(seed, Locate(seed, batch, MessageField.NodesCount), -1, 4), "2^32-1 column nodes"),
            (With(seed, Locate(seed, batch, MessageField.BuffersCount), int.MaxValue, 4), "2^31-1 buffers"),
        };
        if (seed.AsSpan().StartsWith("ARROW1"u8))
        {
            cases.Add((With(seed, seed.Length - 10, int.MaxValue, 4), "footer length 0x7FFFFFFF (2 GB)"));
            cases.Add((With(seed, FirstFooterBlock(seed), batch.MetadataStart + 16, 8), "footer block pointing inside a message"));
        }
        return cases;
    }

    private static long BodyLength(byte[] bytes, Message message)
    {
        var fb = new CheckedFlatBuffer(bytes.AsSpan(message.MetadataStart, message.MetadataLength), message.MetadataStart, "crafted", "message");
        int at = fb.Field(fb.Root(), 3, 8);
        return at < 0 ? 0 : BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(message.MetadataStart + at));
    }
}
