using System.CommandLine;

namespace RangeOrleans.Cli.Commands;

/// <summary>The one <c>--precision</c> option of every command that writes embeddings or banks (embed, map, submit, bank import); read it with <see cref="Core.Formats.Arrow.EmbeddingPrecisionName.Parse"/>.</summary>
public static class PrecisionOption
{
    public static Option<string> Create(string description = "Embedding column type: float32 (default, exact) or float16 (half the bytes).") => new Option<string>("--precision")
    {
        Description = description,
        DefaultValueFactory = _ => "float32",
    }.AcceptOnlyFromAmong("float32", "float16");
}
