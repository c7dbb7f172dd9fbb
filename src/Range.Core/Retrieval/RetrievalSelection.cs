namespace RangeOrleans.Core.Retrieval;

/// <summary>How bank entries are weighted by semantic similarity (the paper's ablations).</summary>
public enum RetrievalSelection
{
    /// <summary>softmax(tau * q K^T) over every entry: RANGE proper.</summary>
    Soft,

    /// <summary>The single most similar entry.</summary>
    Top1,

    /// <summary>Plain average of the k most similar entries.</summary>
    TopK,
}
