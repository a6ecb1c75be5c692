namespace IpyBox.AI.Tests.Tools;

public sealed class HostPathPolicyTests : IDisposable
{
    private readonly TempDirectory _root = new("ipybox-paths-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Nothing_is_allowed_when_no_directory_is_configured()
    {
        var policy = new HostPathPolicy([]);
        var error = Assert.Throws<UnauthorizedAccessException>(() => policy.Authorize(_root.Combine("a.txt")));
        Assert.Contains("AllowedHostDirectories", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_inside_an_allowed_directory_are_allowed_even_when_they_do_not_exist_yet()
    {
        var allowed = _root.CreateDirectory("allowed");
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
        var allowed = _root.CreateDirectory("allowed");
        _root.CreateDirectory("allowed-sibling");
        var policy = new HostPathPolicy([allowed]);

        Assert.Throws<UnauthorizedAccessException>(() => policy.Authorize(Path.Combine(allowed, relative)));
    }

    [Fact]
    public void A_symbolic_link_that_points_out_is_refused()
    {
        var allowed = _root.CreateDirectory("allowed");
        var secret = _root.CreateDirectory("secret");
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
        var real = _root.CreateDirectory("real");
        var link = _root.Combine("link");
        Directory.CreateSymbolicLink(link, real);
        var policy = new HostPathPolicy([link]);

        Assert.Equal(Path.Combine(real, "f.txt"), policy.Authorize(Path.Combine(real, "f.txt")));
        Assert.Equal(Path.Combine(real, "f.txt"), policy.Authorize(Path.Combine(link, "f.txt")));
    }
}
