namespace RangeOrleans.Core.Tests.Reference;

/// <summary>
/// The method written out as plain loops in float64, straight from docs/METHOD.md: an independent
/// check of the TorchSharp code for sizes the golden fixture does not cover.
/// </summary>
internal static class NaiveReference
{
    /// <summary>SIREN: hidden layers sin(w0 (W h + b)) with w0 = 30 then 1, then a linear output layer.</summary>
    public static double[] Siren(double[] input, IReadOnlyList<(double[] W, double[] B)> layers)
    {
        var h = input;
        for (int i = 0; i < layers.Count; i++)
        {
            var (w, b) = layers[i];
            int outDim = b.Length, inDim = h.Length;
            var next = new double[outDim];
            for (int o = 0; o < outDim; o++)
            {
                double s = b[o];
                for (int j = 0; j < inDim; j++) s += w[o * inDim + j] * h[j];
                bool last = i == layers.Count - 1;
                next[o] = last ? s : Math.Sin((i == 0 ? 30.0 : 1.0) * s);
            }
            h = next;
        }
        return h;
    }

    public static double[] Normalise(double[] v)
    {
        double n = Math.Sqrt(v.Sum(x => x * x));
        return v.Select(x => x / Math.Max(n, 1e-12)).ToArray();
    }

    public static double[] Softmax(double[] scores)
    {
        double max = scores.Max();
        var e = scores.Select(s => Math.Exp(s - max)).ToArray();
        double sum = e.Sum();
        return e.Select(x => x / sum).ToArray();
    }

    public static double[] Unit(double lon, double lat)
    {
        double a = lon * Math.PI / 180, b = lat * Math.PI / 180;
        return [Math.Cos(b) * Math.Cos(a), Math.Cos(b) * Math.Sin(a), Math.Sin(b)];
    }

    /// <summary>h = w V for one query; the weights as METHOD.md defines them for each variant.</summary>
    public static double[] Retrieve(double[] q, double qLon, double qLat, double[][] keys, double[][] values, double[] lon, double[] lat,
        double tau, bool spatial, double geoTau, double beta, string selection = "soft", int k = 100, double? thresholdDeg = null)
    {
        int n = keys.Length;
        var sim = Enumerable.Range(0, n).Select(i => Dot(q, Normalise(keys[i]))).ToArray();
        double[] w;
        if (selection == "soft") w = Softmax(sim.Select(s => s * tau).ToArray());
        else
        {
            int kk = selection == "top1" ? 1 : Math.Min(k, n);
            var top = Enumerable.Range(0, n).OrderByDescending(i => sim[i]).Take(kk).ToHashSet();
            w = Enumerable.Range(0, n).Select(i => top.Contains(i) ? 1.0 / kk : 0.0).ToArray();
        }
        if (spatial)
        {
            var u = Unit(qLon, qLat);
            var cos = Enumerable.Range(0, n).Select(i => Dot(u, Unit(lon[i], lat[i]))).ToArray();
            double[] g;
            if (thresholdDeg is { } t)
            {
                double c = Math.Cos(t * Math.PI / 180);
                var inside = cos.Select(x => x >= c).ToArray();
                if (!inside.Any(x => x)) g = w;
                else
                {
                    var masked = cos.Select((x, i) => inside[i] ? x * geoTau : double.NegativeInfinity).ToArray();
                    g = Softmax(masked);
                }
            }
            else g = Softmax(cos.Select(x => x * geoTau).ToArray());
            w = w.Select((x, i) => beta * x + (1 - beta) * g[i]).ToArray();
        }
        var h = new double[values[0].Length];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < h.Length; j++) h[j] += w[i] * values[i][j];
        return h;
    }

    public static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
