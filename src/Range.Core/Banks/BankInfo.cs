namespace RangeOrleans.Core.Banks;

/// <summary>
/// Where a <see cref="FeatureBank"/> came from and a fingerprint of its content.
/// <see cref="Sha256"/> (lower-case hex) is computed from the arrays themselves (see
/// <see cref="FeatureBank.ComputeSha256"/>), so equal content always gives an equal hash,
/// whichever file format carried it.
/// </summary>
public sealed record BankInfo(string Source, string Sha256, DateTimeOffset? CreatedAt = null);
