namespace IpyBox.AI.Tests.Tools;

public sealed class HostPathPolicyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ipybox-paths-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Nothing_is_allowed_when_no_directory_is_configured()
    {
        var policy = new HostPathPolicy([]);
        var error = Assert.Throws<UnauthorizedAccessException>(() => policy.Authorize(Path.Combine(_root, "a.txt")));
        Assert.Contains("AllowedHostDirectories", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_inside_an_allowed_directory_are_allowed_even_when_they_do_not_exist_yet()
    {
        var allowed = Directory.CreateDirectory(Path.Combine(_root, "allowed")).FullName;
        var policy = new HostPathPolicy([allowed]);

        Assert.Equal(Path.Combine(allowed, "new", "file.txt"), policy.Authorize(Path.Combine(allowed, "new", "file.txt")));
        Assert.Equal(allowed, policy.Authorize(allowed));
    }

    [Theory]
    [InlineData("../outside.txt")]
    [InlineData("../allowed-sibling/x.txt")]
    [InlineData("sub/../../outside.txt")]
    public void Dot_dot_cannot_leave_the_allowed_directory(string relative)
    {
        var allowed = Directory.CreateDirectory(Path.Combine(_root, "allowed")).FullName;
        Directory.CreateDirectory(Path.Combine(_root, "allowed-sibling"));
        var policy = new HostPathPolicy([allowed]);

        Assert.Throws<UnauthorizedAccessException>(() => policy.Authorize(Path.Combine(allowed, relative)));
    }

    [Fact]
    public void A_symbolic_link_that_points_out_is_refused()
    {
        var allowed = Directory.CreateDirectory(Path.Combine(_root, "allowed")).FullName;
        var secret = Directory.CreateDirectory(Path.Combine(_root, "secret")).FullName;
        File.WriteAllText(Path.Combine(secret, "key.txt"), "s3cret");
        Directory.CreateSymbolicLink(Path.Combine(allowed, "escape"), secret);
        File.CreateSymbolicLink(Path.Combine(allowed, "key-link.txt"), Path.Combine(secret, "key.txt"));
        var policy = new HostPathPolicy([allowed]);

        Assert.Throws<UnauthorizedAccessException>(() => policy.Authorize(Path.Combine(allowed, "escape", "key.txt")));
        Assert.Throws<UnauthorizedAccessException>(() => policy.Authorize(Path.Combine(allowed, "key-link.txt")));
    }

    [Fact]
    public void An_allowed_directory_given_through_a_link_is_compared_by_its_target()
    {
        var real = Directory.CreateDirectory(Path.Combine(_root, "real")).FullName;
        var link = Path.Combine(_root, "link");
        Directory.CreateSymbolicLink(link, real);
        var policy = new HostPathPolicy([link]);

        Assert.Equal(Path.Combine(real, "f.txt"), policy.Authorize(Path.Combine(real, "f.txt")));
        Assert.Equal(Path.Combine(real, "f.txt"), policy.Authorize(Path.Combine(link, "f.txt")));
    }
}
