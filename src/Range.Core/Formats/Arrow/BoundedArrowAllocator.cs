using System.Buffers;
using Apache.Arrow.Memory;

namespace RangeOrleans.Core.Formats.Arrow;

/// <summary>
/// An Arrow allocator for reading untrusted files: Arrow sizes message buffers from lengths the file
/// declares, so a corrupt length would make it allocate gigabytes before noticing the file is short.
/// No single buffer of a well-formed file can be larger than the file itself, so larger requests are
/// refused before any memory is taken.
/// </summary>
internal sealed class BoundedArrowAllocator(long fileLength, string source) : NativeMemoryAllocator
{
    protected override IMemoryOwner<byte> AllocateInternal(int length, out int bytesAllocated)
    {
        if (length < 0 || length > fileLength + 64)
            throw new RangeFormatException(source, $"a record batch declares {length:N0} bytes but the file holds only {fileLength:N0}");
        return base.AllocateInternal(length, out bytesAllocated);
    }
}
