using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace IpyBox.AI.Tests;

/// <summary>Addresses, names and the base64 JSON bodies of the Contents API, without a server.</summary>
public sealed class ContentsApiTests : IDisposable
{
    private readonly TempDirectory _temp = new("ipybox-contents-");

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("", "api/contents?content=0")]
    [InlineData("data/x.csv", "api/contents/data/x.csv?content=0")]
    [InlineData("with space/tab\there/100%/a?b#c", "api/contents/with%20space/tab%09here/100%25/a%3Fb%23c?content=0")]
    public void Each_segment_is_escaped_below_api_contents(string path, string expected)
    {
        Assert.Equal(expected, JupyterServerApi.ContentsUri(path, "content=0").OriginalString);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8888", "http://127.0.0.1:8888/api/contents/a.txt")]
    [InlineData("https://hub.example.com/user/ana", "https://hub.example.com/user/ana/api/contents/a.txt")]
    [InlineData("https://hub.example.com/user/ana/", "https://hub.example.com/user/ana/api/contents/a.txt")]
    public void Contents_addresses_keep_the_servers_path_prefix(string server, string expected)
    {
        var baseUri = ServerAddress.Normalize(new Uri(server));
        Assert.Equal(expected, new Uri(baseUri, JupyterServerApi.ContentsUri("a.txt", query: null)).AbsoluteUri);
    }

    [Theory]
    [InlineData("plain.txt", true)]
    [InlineData(".hidden", true)]
    [InlineData("with space", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("/etc", false)]
    [InlineData("a\\b", false)]
    [InlineData("nul\0", false)]
    [InlineData("C:x", false)]
    public void Only_single_plain_names_from_the_server_are_written(string name, bool plain)
    {
        Assert.Equal(plain, ContentsApiFiles.IsPlainName(name));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(57)]
    [InlineData(49150)] // 65,536 base64 characters: the padding ends exactly at a chunk boundary.
    [InlineData(49152)]
    [InlineData(300_001)]
    public async Task Base64_as_the_server_sends_it_decodes_to_the_original_bytes(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);

        // Python's base64.encodebytes: lines of 76 characters, each ended by a newline; json.dumps escapes it as \n.
        var base64 = Convert.ToBase64String(data);
        var lines = new StringBuilder();
        for (var i = 0; i < base64.Length; i += 76)
        {
            lines.Append(base64.AsSpan(i, Math.Min(76, base64.Length - i))).Append('\n');
        }

        var json = JsonSerializer.Serialize(lines.ToString());
        var raw = Encoding.UTF8.GetBytes(json)[1..^1];
        using var output = new MemoryStream();
        var written = await JsonBase64.DecodeAsync(raw, output, CancellationToken.None);

        Assert.Equal(length, written);
        Assert.Equal(data, output.ToArray());
    }

    [Fact]
    public async Task Escaped_slashes_are_base64_characters()
    {
        var data = new byte[] { 0xFF, 0xFF, 0xFF, 0xFB, 0xEF, 0xBE }; // "/////++/" in base64.
        var raw = Encoding.UTF8.GetBytes(Convert.ToBase64String(data).Replace("/", "\\/", StringComparison.Ordinal));
        using var output = new MemoryStream();
        await JsonBase64.DecodeAsync(raw, output, CancellationToken.None);
        Assert.Equal(data, output.ToArray());
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("QUJD\\b")]
    [InlineData("QUJD\\u00e9")]
    [InlineData("QUJ")]
    [InlineData("QQ==QUJD")]
    [InlineData("QUJD\\")]
    public async Task Anything_but_base64_is_refused(string value)
    {
        using var output = new MemoryStream();
        await Assert.ThrowsAsync<InvalidDataException>(() => JsonBase64.DecodeAsync(Encoding.UTF8.GetBytes(value), output, CancellationToken.None));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(49152)]
    [InlineData(100_000)]
    public async Task An_upload_body_is_the_file_as_a_base64_JSON_model_of_the_announced_length(int length)
    {
        var data = RandomNumberGenerator.GetBytes(length);
        var path = _temp.Combine("f.bin");
        await File.WriteAllBytesAsync(path, data);

        using var content = new Base64FileContent(path, length);
        var body = await content.ReadAsByteArrayAsync();

        Assert.Equal(body.Length, content.Headers.ContentLength);
        Assert.Equal("application/json", content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        Assert.Equal("file", document.RootElement.GetProperty("type").GetString());
        Assert.Equal("base64", document.RootElement.GetProperty("format").GetString());
        Assert.Equal(data, Convert.FromBase64String(document.RootElement.GetProperty("content").GetString()!));
    }

    [Fact]
    public async Task A_file_that_changes_length_during_an_upload_fails_it()
    {
        var path = _temp.Combine("f.bin");
        await File.WriteAllBytesAsync(path, new byte[10]);

        using var longer = new Base64FileContent(path, 9);
        await Assert.ThrowsAnyAsync<Exception>(() => longer.ReadAsByteArrayAsync()); // The HTTP stack may wrap it.
        Assert.Contains("grew", longer.ReadError?.Message);

        using var shorter = new Base64FileContent(path, 11);
        await Assert.ThrowsAnyAsync<Exception>(() => shorter.ReadAsByteArrayAsync());
        Assert.Contains("became shorter", shorter.ReadError?.Message);
    }

    [Fact]
    public void A_model_is_read_with_neutral_values_for_what_a_server_leaves_out()
    {
        using var full = JsonDocument.Parse("""{"name":"a.txt","path":"d/a.txt","type":"file","size":5,"last_modified":"2026-01-02T03:04:05.123456Z","content":null}""");
        var entry = ContentsEntry.Parse(full.RootElement);
        Assert.Equal(new ContentsEntry("a.txt", "d/a.txt", "file", 5, new DateTimeOffset(2026, 1, 2, 3, 4, 5, 123, 456, TimeSpan.Zero)), entry);
        Assert.True(entry.IsFile);

        using var sparse = JsonDocument.Parse("""{"name":"d","path":"d","type":"directory","size":null}""");
        var directory = ContentsEntry.Parse(sparse.RootElement);
        Assert.Equal((true, null, DateTimeOffset.UnixEpoch), (directory.IsDirectory, directory.Size, directory.Modified));

        using var notebook = JsonDocument.Parse("""{"name":"n.ipynb","path":"n.ipynb","type":"notebook"}""");
        Assert.True(ContentsEntry.Parse(notebook.RootElement).IsFile);

        using var broken = JsonDocument.Parse("""{"name":"x"}""");
        Assert.Throws<InvalidDataException>(() => ContentsEntry.Parse(broken.RootElement));
    }

    [Fact]
    public void The_too_large_error_names_the_option_and_the_reason()
    {
        var error = JupyterServerApi.FileTooLarge("/app/big.bin", 2048, 1024);
        Assert.Equal(
            "'/app/big.bin' has 2048 bytes, more than JupyterServerOptions.MaxFileBytes (1024 bytes). The Contents API moves a whole file base64-encoded in one JSON body; " +
            "raise MaxFileBytes if the server and this process can hold it, or split the file.",
            error.Message);
        Assert.StartsWith("'/app/big.bin' is larger than", JupyterServerApi.FileTooLarge("/app/big.bin", null, 1024).Message);
    }
}
