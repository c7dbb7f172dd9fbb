namespace RangeOrleans.Evaluation.Probe;

/// <summary>Rows x Columns features, row-major float32 (as embedders write them).</summary>
public sealed record FeatureMatrix(float[] Values, int Rows, int Columns)
{
    public static FeatureMatrix Create(float[] values, int rows, int columns)
    {
        if (rows < 0 || columns < 1 || values.LongLength != (long)rows * columns)
            throw new ArgumentException($"feature matrix: {values.LongLength} values do not make {rows} rows x {columns} columns");
        return new FeatureMatrix(values, rows, columns);
    }

    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Columns, Columns);

    /// <summary>The given rows, in the given order.</summary>
    public FeatureMatrix Take(IReadOnlyList<int> rows)
    {
        var values = new float[(long)rows.Count * Columns];
        for (int i = 0; i < rows.Count; i++) Row(rows[i]).CopyTo(values.AsSpan(i * Columns, Columns));
        return new FeatureMatrix(values, rows.Count, Columns);
    }
}
