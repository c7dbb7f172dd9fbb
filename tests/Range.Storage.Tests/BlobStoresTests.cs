namespace RangeOrleans.Storage.Tests;

/// <summary>Opening stores from destination strings, and keeping the account key out of everything shown.</summary>
public sealed class BlobStoresTests : IClassFixture<AzuriteProcess>, IDisposable
{
    private readonly AzuriteProcess _azurite;
    private readonly string? _savedVariable = Environment.GetEnvironmentVariable(BlobStores.ConnectionStringVariable);
    private readonly TempDir _dir = new();

    public BlobStoresTests(AzuriteProcess azurite)
    {
        _azurite = azurite;
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(BlobStores.ConnectionStringVariable, _savedVariable);
        _dir.Dispose();
    }

    [Fact]
    public void A_plain_path_opens_a_local_folder()
    {
        var store = BlobStores.Open(_dir.File("out"));

        Assert.IsType<LocalFolderBlobStore>(store);
        Assert.Equal(Path.GetFullPath(_dir.File("out")), store.Location);
    }

    [Theory]
    [InlineData("az://jobs", "jobs", "")]
    [InlineData("az://jobs/", "jobs", "")]
    [InlineData("az://jobs/run-1/out/", "jobs", "run-1/out")]
    [InlineData("AZ://abc/x", "abc", "x")]
    public void Azure_destinations_split_into_container_and_prefix(string destination, string container, string prefix)
    {
        Assert.Equal((container, prefix), BlobStores.ParseAzure(destination));
    }

    [Theory]
    [InlineData("az://", "is empty")]
    [InlineData("az://ab", "2 characters")]
    [InlineData("az://Jobs/x", "contains 'J'")]
    [InlineData("az://jo_bs", "contains '_'")]
    [InlineData("az://-jobs", "starts or ends with '-'")]
    [InlineData("az://jo--bs", "contains '--'")]
    [InlineData("az://jobs/../x", "prefix")]
    [InlineData("az://jobs/a//b", "prefix")]
    public void Bad_azure_destinations_are_refused_naming_the_problem(string destination, string problem)
    {
        var error = Assert.Throws<ArgumentException>(() => BlobStores.Open(destination, _azurite.ConnectionString));
        Assert.Contains(destination, error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Without_a_connection_string_the_error_says_which_variable_to_set()
    {
        Environment.SetEnvironmentVariable(BlobStores.ConnectionStringVariable, null);

        var error = Assert.Throws<StorageNotConfiguredException>(() => BlobStores.Open("az://jobs/x"));
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", error.Message);
    }

    [Fact]
    public async Task The_connection_string_comes_from_the_environment_variable()
    {
        Environment.SetEnvironmentVariable(BlobStores.ConnectionStringVariable, _azurite.ConnectionString);

        var store = BlobStores.Open("az://fromenv/p");
        await store.WriteAllTextAsync("n", "v");
        Assert.Equal("v", await store.ReadAllTextAsync("n"));
    }

    [Fact]
    public async Task The_account_key_never_appears_in_locations_or_errors()
    {
        var key = AzuriteProcess.AccountKey;
        var store = BlobStores.Open("az://secrets/p", _azurite.ConnectionString);
        var shown = new List<string> { store.Location, store.ToString()! };

        shown.Add((await Assert.ThrowsAsync<FileNotFoundException>(() => store.OpenReadAsync("missing"))).ToString());
        shown.Add((await Assert.ThrowsAsync<ArgumentException>(() => store.CreateAsync("../x"))).ToString());
        shown.Add(Assert.ThrowsAny<ArgumentException>(() => BlobStores.Open("az://secrets/p", "AccountKey=" + key + ";garbage")).ToString());
        shown.Add(Assert.Throws<ArgumentException>(() => BlobStores.Open("az://Bad_Container", _azurite.ConnectionString)).ToString());
        await store.WriteAllTextAsync("ok", "v");
        await foreach (var entry in store.ListAsync()) shown.Add(entry.ToString());

        foreach (var text in shown)
        {
            Assert.DoesNotContain(key, text);
            Assert.DoesNotContain(key[..20], text);
        }
    }
}
