namespace RangeOrleans.Testing;

/// <summary>
/// Azurite's blob service on a free loopback port, data in a temporary folder. Use as an xunit class or
/// collection fixture: one Azurite per test class (or collection).
/// </summary>
public sealed class AzuriteProcess : ServiceProcess
{
    /// <summary>Azurite's documented development account key (public, not a secret).</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    public AzuriteProcess() : base("azurite-blob", "install with: npm install -g azurite@3.35.0")
    {
        StartOrDispose();
    }

    public string BlobEndpoint => $"http://127.0.0.1:{Port}/{AccountName}";

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    protected override IEnumerable<string> Arguments() =>
    [
        "--blobHost", "127.0.0.1",
        "--blobPort", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "--location", DataFolder,
        "--disableTelemetry",
        "--skipApiVersionCheck",
        "--loose",
    ];
}
