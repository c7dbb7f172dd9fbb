using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RangeOrleans.Hosting;

/// <summary>
/// A silo's proof that it made an internal call: "UNIX-MILLISECONDS.HMAC", the HMAC-SHA256 under the
/// <see cref="ClusterSecret"/> of the time, the target grain and the method. It travels in the call's RequestContext
/// under <see cref="Key"/>. Bound to its target and method, a stamp opens no other door; older (or further ahead) than
/// <see cref="MaxAge"/>, it opens none. Clients never see one: silos stamp only internal calls, which go to grains
/// (<see cref="SiloStampFilter"/>).
/// </summary>
public static class CallStamp
{
    /// <summary>The RequestContext entry that carries the stamp.</summary>
    public const string Key = "range-silo-stamp";

    /// <summary>
    /// How far a stamp's time may be from the receiving silo's clock: room for a call that waits in a busy grain's queue
    /// and for clocks a little apart, short enough that a stamp is useless soon after it was made.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    /// <summary>The stamp for a call to <paramref name="method"/> of grain <paramref name="target"/> made at <paramref name="at"/>.</summary>
    public static string Make(ClusterSecret secret, string target, string method, DateTimeOffset at)
    {
        long milliseconds = at.ToUnixTimeMilliseconds();
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(secret, milliseconds, target, method, mac);
        return $"{milliseconds.ToString(CultureInfo.InvariantCulture)}.{Convert.ToBase64String(mac)}";
    }

    /// <summary>Whether <paramref name="stamp"/> was made with <paramref name="secret"/> for this target and method, within <see cref="MaxAge"/> of <paramref name="now"/>.</summary>
    public static bool IsValid(ClusterSecret secret, object? stamp, string target, string method, DateTimeOffset now)
    {
        if (stamp is not string text) return false;
        int dot = text.IndexOf('.');
        if (dot < 1) return false;
        if (!long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out long milliseconds)) return false;
        if (Math.Abs(now.ToUnixTimeMilliseconds() - milliseconds) > MaxAge.TotalMilliseconds) return false;
        Span<byte> given = stackalloc byte[HMACSHA256.HashSizeInBytes];
        if (!Convert.TryFromBase64String(text[(dot + 1)..], given, out int written) || written != given.Length) return false;
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        Mac(secret, milliseconds, target, method, expected);
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }

    private static void Mac(ClusterSecret secret, long milliseconds, string target, string method, Span<byte> mac) =>
        secret.Sign(Encoding.UTF8.GetBytes($"{milliseconds.ToString(CultureInfo.InvariantCulture)}\n{target}\n{method}"), mac);
}
