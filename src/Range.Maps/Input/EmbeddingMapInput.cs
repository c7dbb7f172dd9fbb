using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Arrow;

namespace RangeOrleans.Maps.Input;

/// <summary>
/// Reads what to draw: a map job's output folder (every DEST/shards/*.arrow, in name order) or one
/// Arrow embedding file from <c>range embed</c>. All parts must have the same embedding dimension.
/// </summary>
public static class EmbeddingMapInput
{
    public static EmbeddingColumns Read(string path)
    {
        string[] files;
        if (Directory.Exists(path))
        {
            var shards = Path.Combine(path, "shards");
            if (!Directory.Exists(shards)) throw new DirectoryNotFoundException($"'{path}' has no shards/ folder: expected a map job's output or an Arrow embedding file");
            files = Directory.GetFiles(shards, "*.arrow").Order(StringComparer.Ordinal).ToArray();
            if (files.Length == 0) throw new RangeFormatException(shards, "no .arrow shard files");
        }
        else if (File.Exists(path)) files = [path];
        else throw new FileNotFoundException($"'{path}' is neither a map output folder nor an Arrow file");

        var parts = files.Select(EmbeddingArrowReader.ReadAll).ToList();
        int dim = parts[0].Dimension;
        for (int i = 1; i < parts.Count; i++)
            if (parts[i].Dimension != dim) throw new RangeFormatException(files[i], $"embedding dimension {parts[i].Dimension}, the first shard has {dim}");
        return EmbeddingColumns.Concat(parts);
    }
}
