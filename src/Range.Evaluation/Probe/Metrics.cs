namespace RangeOrleans.Evaluation.Probe;

/// <summary>The two scores the paper reports.</summary>
public static class Metrics
{
    /// <summary>Coefficient of determination 1 - SS_res / SS_tot (sklearn's r2_score; 0 for a constant truth predicted exactly, -inf never).</summary>
    public static double R2(ReadOnlySpan<double> truth, ReadOnlySpan<double> predicted)
    {
        if (truth.Length != predicted.Length || truth.Length == 0) throw new ArgumentException("R^2 needs equally long, non-empty arrays");
        double mean = 0;
        foreach (var t in truth) mean += t;
        mean /= truth.Length;
        double ssRes = 0, ssTot = 0;
        for (int i = 0; i < truth.Length; i++)
        {
            ssRes += (truth[i] - predicted[i]) * (truth[i] - predicted[i]);
            ssTot += (truth[i] - mean) * (truth[i] - mean);
        }
        if (ssTot == 0) return ssRes == 0 ? 1.0 : 0.0;
        return 1.0 - ssRes / ssTot;
    }

    /// <summary>Fraction of equal labels.</summary>
    public static double Accuracy(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted)
    {
        if (truth.Length != predicted.Length || truth.Length == 0) throw new ArgumentException("accuracy needs equally long, non-empty arrays");
        int hits = 0;
        for (int i = 0; i < truth.Length; i++) if (truth[i] == predicted[i]) hits++;
        return (double)hits / truth.Length;
    }
}
