using System.Security.Cryptography;
using System.Text;

namespace RangeOrleans.Hosting;

/// <summary>
/// The anti-forgery token in each Cancel form of the jobs page: an HMAC of the job id under a secret this process draws
/// at start. Browsers replay basic auth to any page that posts to the dashboard, so the password alone does not show the
/// request came from our form; a page on another site cannot read /jobs (same-origin policy), so it cannot learn the
/// token. A restarted silo draws a new secret: forms from before it are refused, and the page reloads every 2 s anyway.
/// </summary>
public sealed class DashboardCancelToken
{
    /// <summary>The form field that carries it.</summary>
    public const string Field = "token";

    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    public string For(string jobId) => Convert.ToBase64String(Sign(jobId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="token"/> is the one this process issued for <paramref name="jobId"/> (compared in constant time).</summary>
    public bool Allows(string jobId, string? token) =>
        !string.IsNullOrEmpty(token) && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(For(jobId)), Encoding.ASCII.GetBytes(token));

    // Prefixed so a token cannot be reused for another action should the page gain one.
    private byte[] Sign(string jobId) => HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes($"cancel:{jobId}"));
}
