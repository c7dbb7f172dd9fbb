using RangeOrleans.Core.Banks;

namespace RangeOrleans.Evaluation.Encoders;

/// <summary>
/// The paper's bank-size ablation: a fraction of the bank's entries, stratified by location so every
/// region keeps its share. Entries are grouped by a 10 x 10 degree lon/lat cell; cell c keeps
/// floor(f n_c) entries plus one more for the cells with the largest remainders until the total is
/// round(f N) (at least 1); within a cell the kept entries are a Fisher-Yates shuffle's first ones
/// with <c>new Random(seed)</c>, cells visited in cell-number order. Kept entries stay in bank order.
/// </summary>
public static class StratifiedBankSample
{
    public const double CellDegrees = 10.0;

    public static FeatureBank Take(FeatureBank bank, double fraction, int seed)
    {
        if (!(fraction > 0 && fraction <= 1)) throw new ArgumentException($"bank fraction must be in (0, 1], got {fraction}");
        if (fraction == 1) return bank;
        return bank.Take(Indices(bank.Lon, bank.Lat, fraction, seed));
    }

    public static int[] Indices(ReadOnlySpan<double> lon, ReadOnlySpan<double> lat, double fraction, int seed)
    {
        int columns = (int)(360 / CellDegrees);
        var cells = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < lon.Length; i++)
        {
            int cx = Math.Min((int)((lon[i] + 180) / CellDegrees), columns - 1);
            int cy = Math.Min((int)((lat[i] + 90) / CellDegrees), (int)(180 / CellDegrees) - 1);
            int cell = cy * columns + cx;
            if (!cells.TryGetValue(cell, out var members)) cells[cell] = members = [];
            members.Add(i);
        }
        int total = Math.Max(1, (int)Math.Round(fraction * lon.Length));
        var quota = cells.ToDictionary(c => c.Key, c => (int)Math.Floor(fraction * c.Value.Count));
        int missing = total - quota.Values.Sum();
        foreach (var cell in cells.OrderByDescending(c => fraction * c.Value.Count - quota[c.Key]).ThenBy(c => c.Key).Select(c => c.Key))
        {
            if (missing <= 0) break;
            if (quota[cell] < cells[cell].Count) { quota[cell]++; missing--; }
        }
        var random = new Random(seed);
        var kept = new List<int>(total);
        foreach (var (cell, members) in cells)
        {
            var order = Probe.Folds.Permutation(members.Count, random);
            for (int j = 0; j < quota[cell]; j++) kept.Add(members[order[j]]);
        }
        kept.Sort();
        return kept.ToArray();
    }
}
