namespace RangeOrleans.Abstractions;

/// <summary>
/// Embeds a small batch of points now, on a silo's model replica (the HTTP front end's POST /v1/embed). Public: clients
/// call it; the silo checks the model's files against its allowed roots before it reads them. Larger sets are map jobs.
/// </summary>
public interface IEmbedGrain : IGrainWithIntegerKey
{
    Task<EmbedResult> EmbedAsync(EmbedRequest request);
}
