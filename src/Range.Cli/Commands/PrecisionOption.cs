using System.CommandLine;

namespace RangeOrleans.Cli.Commands;

/// <summary>The one <c>--precision</c> option of every command that writes embeddings (embed, map, submit).</summary>
public static class PrecisionOption
{
    public static Option<string> Create() => new Option<string>("--precision")
    {
        Description = "Embedding column type: float32 (default, exact) or float16 (half the bytes).",
        DefaultValueFactory = _ => "float32",
    }.AcceptOnlyFromAmong("float32", "float16");
}
