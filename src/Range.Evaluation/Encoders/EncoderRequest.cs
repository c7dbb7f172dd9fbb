using System.Globalization;

namespace RangeOrleans.Evaluation.Encoders;

/// <summary>
/// One encoder to evaluate: its name (direct, cartesian3d, wrap, sh, satclip, range, range+, range-top1,
/// range-topk), RANGE+'s beta, and for the bank-size ablation the fraction of the bank kept.
/// </summary>
public sealed record EncoderRequest(string Name)
{
    public const string Direct = "direct";
    public const string Cartesian3d = "cartesian3d";
    public const string Wrap = "wrap";
    public const string Harmonics = "sh";
    public const string SatClip = "satclip";
    public const string Range = "range";
    public const string RangePlus = "range+";
    public const string RangeTop1 = "range-top1";
    public const string RangeTopK = "range-topk";

    public static readonly string[] Names = [Direct, Cartesian3d, Wrap, Harmonics, SatClip, Range, RangePlus, RangeTop1, RangeTopK];

    /// <summary>RANGE+ only; null = 0.5.</summary>
    public double? Beta { get; init; }

    /// <summary>Share of the bank used (RANGE variants only), stratified by <see cref="StratifiedBankSample"/>.</summary>
    public double BankFraction { get; init; } = 1.0;

    /// <summary>k for range-topk (the paper: 100).</summary>
    public int TopK { get; init; } = 100;

    public bool NeedsCheckpoint => Name is SatClip or Range or RangePlus or RangeTop1 or RangeTopK;
    public bool NeedsBank => Name is Range or RangePlus or RangeTop1 or RangeTopK;

    /// <summary>A short unique label for tables: "range+ b=0.25", "range 10% bank".</summary>
    public string Label
    {
        get
        {
            var label = Name;
            if (Beta is { } b) label += " b=" + b.ToString("0.##", CultureInfo.InvariantCulture);
            if (BankFraction < 1) label += " " + (BankFraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "% bank";
            return label;
        }
    }

    /// <summary>Throws naming the first setting that does not fit this encoder.</summary>
    public void Validate()
    {
        if (!Names.Contains(Name)) throw new ArgumentException($"unknown encoder '{Name}' (expected one of: {string.Join(", ", Names)})");
        if (Beta is not null && Name != RangePlus) throw new ArgumentException($"--beta applies to range+ only, not '{Name}'");
        if (Beta is { } beta && !(beta >= 0 && beta <= 1)) throw new ArgumentException($"--beta must be in [0, 1], got {beta}");
        if (BankFraction < 1 && !NeedsBank) throw new ArgumentException($"a bank fraction applies to the range encoders only, not '{Name}'");
        if (!(BankFraction > 0 && BankFraction <= 1)) throw new ArgumentException($"bank fraction must be in (0, 1], got {BankFraction}");
        if (TopK < 1) throw new ArgumentException($"top-k needs k >= 1, got {TopK}");
    }
}
