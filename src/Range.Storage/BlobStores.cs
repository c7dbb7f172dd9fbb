using Azure.Storage.Blobs;

namespace RangeOrleans.Storage;

/// <summary>Opens a blob store from a destination string: "az://CONTAINER/PREFIX" or a local folder path.</summary>
public static class BlobStores
{
    public const string AzureScheme = "az://";
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    /// <summary>
    /// "az://container/prefix" → an <see cref="AzureBlobStore"/> on <paramref name="connectionString"/>, or
    /// else the AZURE_STORAGE_CONNECTION_STRING environment variable; anything else → a local folder.
    /// </summary>
    public static IBlobStore Open(string destination, string? connectionString = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(destination);
        if (!IsAzure(destination)) return new LocalFolderBlobStore(destination);

        var (containerName, prefix) = ParseAzure(destination);
        connectionString ??= Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new StorageNotConfiguredException(
                $"destination '{destination}' is in Azure Blob storage: set {ConnectionStringVariable} to the storage account's connection string",
                nameof(connectionString));

        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(connectionString, AzureBlobStore.CreateClientOptions());
        }
        catch (Exception e) when (e is FormatException or ArgumentException or UriFormatException or InvalidOperationException)
        {
            // The SDK's message may quote the connection string: do not pass it (or the inner exception) on.
            throw new StorageNotConfiguredException(
                $"the connection string for '{destination}' ({ConnectionStringVariable} or the one given) is not a valid Azure Storage connection string",
                nameof(connectionString));
        }
        return new AzureBlobStore(service.GetBlobContainerClient(containerName), prefix);
    }

    /// <summary>True if <paramref name="destination"/> names Azure Blob storage ("az://...").</summary>
    public static bool IsAzure(string destination) =>
        destination.StartsWith(AzureScheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Splits "az://container/prefix" and checks both parts.</summary>
    public static (string Container, string Prefix) ParseAzure(string destination)
    {
        if (!IsAzure(destination))
            throw new ArgumentException($"'{destination}' is not an {AzureScheme}CONTAINER/PREFIX destination", nameof(destination));
        var rest = destination[AzureScheme.Length..];
        var slash = rest.IndexOf('/');
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].TrimEnd('/');
        AzureContainerName.Validate(container, destination);
        if (prefix.Length > 0)
        {
            if (!BlobName.IsValid(prefix))
                throw new ArgumentException($"destination '{destination}': the prefix '{prefix}' is not a valid blob name prefix (relative, '/'-separated, no '.', '..' or empty segments)", nameof(destination));
        }
        return (container, prefix);
    }
}
