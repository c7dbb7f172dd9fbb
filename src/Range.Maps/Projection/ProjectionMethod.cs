namespace RangeOrleans.Maps.Projection;

/// <summary>How embeddings become three colour channels.</summary>
public enum ProjectionMethod
{
    /// <summary>The first three principal components.</summary>
    Pca,

    /// <summary>FastICA on the PCA-whitened first three components (the paper's maps).</summary>
    Ica,
}
