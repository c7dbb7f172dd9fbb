using System.Security.Cryptography.X509Certificates;

namespace RangeOrleans.Hosting;

/// <summary>
/// What a cluster certificate is for, as its CA wrote it in the subject's organisational unit (OU=silo, OU=client,
/// OU=redis; scripts/make-certs.sh). Key usages alone do not tell a silo from Redis (both serve TLS), so a silo accepts
/// silo-to-silo connections only from OU=silo and gateway connections only from OU=client.
/// </summary>
public static class ClusterRole
{
    public const string Silo = "silo";
    public const string Client = "client";
    public const string Redis = "redis";

    private const string OrganizationalUnit = "2.5.4.11";

    /// <summary>The certificate's role (its single OU), or null when its subject names none or several.</summary>
    public static string? Of(X509Certificate2 certificate)
    {
        var units = certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(n => !n.HasMultipleElements && n.GetSingleElementType().Value == OrganizationalUnit)
            .Select(n => n.GetSingleElementValue()).ToList();
        return units.Count == 1 ? units[0] : null;
    }
}
