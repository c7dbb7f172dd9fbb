using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Banks;

/// <summary>
/// Opens a bank file whichever supported format it is in, deciding by content (the Arrow file
/// magic "ARROW1" or the zip signature) and falling back on the extension only for naming errors.
/// </summary>
public static class BankLoader
{
    private static ReadOnlySpan<byte> ArrowMagic => "ARROW1"u8;
    private static ReadOnlySpan<byte> ZipMagic => "PK\x03\x04"u8;

    public static FeatureBank Load(string path)
    {
        ReadOnlySpan<byte> head = FileHead.Read(path, 6);

        if (head.StartsWith(ArrowMagic)) return ArrowBankFile.Read(path);
        if (head.StartsWith(ZipMagic) || path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase))
            return RangeDatabaseNpz.Import(path);
        throw new RangeFormatException(path, "unrecognised bank file: expected a RANGE database .npz (zip) or an Arrow IPC bank file (starts with ARROW1)");
    }
}
