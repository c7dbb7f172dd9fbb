using System.Text.Json.Serialization;
using RangeOrleans.Grains.Storage;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// One bearer token of the HTTP front end as its tokens file stores it: the SHA-256 of the token (never the token), who
/// holds it, the data roots and containers its requests may name (the silos check theirs too, so a token never reaches
/// further than they allow), and its rate and concurrency limits.
/// </summary>
public sealed record ApiToken
{
    /// <summary>Lowercase hex SHA-256 of the token's UTF-8 text.</summary>
    public required string Sha256 { get; init; }
    public required string Name { get; init; }
    public string[] DataRoots { get; init; } = [];
    public string[] Containers { get; init; } = [];

    /// <summary>Requests per minute (a fixed one-minute window).</summary>
    public int RequestsPerMinute { get; init; } = 600;

    /// <summary>Requests served at once (an event stream counts while it is open).</summary>
    public int MaxConcurrent { get; init; } = 16;

    private AllowedRoots? _roots;

    /// <summary>What this token's requests may name, as a silo's roots check them.</summary>
    [JsonIgnore]
    public AllowedRoots Roots => _roots ??= AllowedRoots.Of(DataRoots, Containers).HeldBy(RootsHolder.Token(Name));

    /// <summary>ArgumentException naming what is wrong with a record read from or written to the tokens file.</summary>
    public void Validate(string source)
    {
        if (Sha256 is not { Length: 64 } || !Sha256.All(char.IsAsciiHexDigitLower)) throw new ArgumentException($"{source}: token '{Name}': sha256 must be 64 lowercase hex digits");
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100 || Name.Any(char.IsControl)) throw new ArgumentException($"{source}: a token's name must be 1 to 100 printable characters");
        if (RequestsPerMinute < 1) throw new ArgumentException($"{source}: token '{Name}': requestsPerMinute must be at least 1");
        if (MaxConcurrent < 1) throw new ArgumentException($"{source}: token '{Name}': maxConcurrent must be at least 1");
        _ = AllowedRoots.Of(DataRoots, Containers); // names a bad root
    }
}
