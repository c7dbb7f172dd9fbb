using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace RangeOrleans.Core.Tests.Formats.Arrow;

/// <summary>
/// Rewrites an Arrow IPC file or stream with compressed record batches, as a writer with LZ4 or ZSTD
/// turned on lays them out (a BodyCompression table in each batch's metadata, each buffer prefixed by
/// its uncompressed length). The codec stores the bytes as they are: no LZ4/ZSTD package is served
/// here, and the readers under test refuse the batch from its metadata, before any body is decoded.
/// </summary>
internal static class CompressedArrow
{
    public static byte[] Rewrite(byte[] ipc, CompressionCodecType? codec, bool fileFormat)
    {
        var input = new MemoryStream(ipc);
        using ArrowStreamReader reader = fileFormat ? new ArrowFileReader(input) : new ArrowStreamReader(input);
        var batches = new List<RecordBatch>();
        while (reader.ReadNextRecordBatch() is { } batch) batches.Add(batch);
        var options = codec is null ? new IpcOptions() : new IpcOptions { CompressionCodec = codec, CompressionCodecFactory = new StoringCodecFactory() };
        var output = new MemoryStream();
        using (ArrowStreamWriter writer = fileFormat
                   ? new ArrowFileWriter(output, reader.Schema, leaveOpen: true, options)
                   : new ArrowStreamWriter(output, reader.Schema, leaveOpen: true, options))
        {
            foreach (var batch in batches) writer.WriteRecordBatch(batch);
            writer.WriteEnd();
        }
        foreach (var batch in batches) batch.Dispose();
        return output.ToArray();
    }

    private sealed class StoringCodecFactory : ICompressionCodecFactory
    {
        public ICompressionCodec CreateCodec(CompressionCodecType compressionCodecType) => new StoringCodec();
    }

    private sealed class StoringCodec : ICompressionCodec
    {
        public int Decompress(ReadOnlyMemory<byte> source, Memory<byte> destination)
        {
            source.CopyTo(destination);
            return source.Length;
        }

        public void Compress(ReadOnlyMemory<byte> source, Stream destination) => destination.Write(source.Span);

        public void Dispose() { }
    }
}
