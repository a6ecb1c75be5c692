namespace IpyBox.AI.Tests.Containers;

/// <summary>The lease kept in a durable container's name and labels: written, read back, renewed only forward.</summary>
public sealed class ContainerLeaseTests
{
    private static readonly DateTimeOffset s_expiry = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_new_name_carries_the_expiry_and_a_random_stem()
    {
        var first = ContainerLease.NewName(s_expiry);
        var second = ContainerLease.NewName(s_expiry);

        Assert.Matches("^ipybox-[0-9a-f]{12}-until-[0-9]+$", first);
        Assert.NotEqual(first, second);
        Assert.Equal(s_expiry, ContainerLease.ExpiryOf(first));
        Assert.Equal(s_expiry, ContainerLease.ExpiryOf("/" + first));
    }

    [Fact]
    public void Renaming_keeps_the_stem_and_replaces_the_expiry()
    {
        var name = ContainerLease.NewName(s_expiry);
        var later = s_expiry.AddHours(3);

        var renamed = ContainerLease.Renamed("/" + name, later);

        Assert.Equal(name[..name.LastIndexOf("-until-", StringComparison.Ordinal)], renamed[..renamed.LastIndexOf("-until-", StringComparison.Ordinal)]);
        Assert.Equal(later, ContainerLease.ExpiryOf(renamed));
    }

    [Theory]
    [InlineData("eager_turing")]
    [InlineData("ipybox-abc-until-")]
    [InlineData("ipybox-abc-until-12x")]
    [InlineData(null)]
    public void A_name_without_an_expiry_has_none(string? name) => Assert.Null(ContainerLease.ExpiryOf(name));

    [Fact]
    public void A_container_of_another_naming_gets_an_expiry_appended() =>
        Assert.Equal("eager_turing-until-" + s_expiry.ToUnixTimeSeconds(), ContainerLease.Renamed("/eager_turing", s_expiry));

    [Fact]
    public void The_length_is_whole_seconds_in_a_label_and_absent_for_sandboxes_that_are_not_durable()
    {
        Assert.Equal("91", ContainerLease.LabelOf(TimeSpan.FromSeconds(90.2)));
        Assert.Equal("1", ContainerLease.LabelOf(TimeSpan.FromMilliseconds(10)));
        Assert.Equal(TimeSpan.FromSeconds(91), ContainerLease.LengthOf(new Dictionary<string, string> { [ContainerLabels.Lease] = "91" }));
        Assert.Null(ContainerLease.LengthOf(new Dictionary<string, string>()));
        Assert.Null(ContainerLease.LengthOf(new Dictionary<string, string> { [ContainerLabels.Lease] = "-5" }));
        Assert.Null(ContainerLease.LengthOf(new Dictionary<string, string> { [ContainerLabels.Lease] = "0" }));
    }

    [Fact]
    public void Renewal_only_moves_an_expiry_forward()
    {
        Assert.True(ContainerLease.NeedsRenewal(null, s_expiry));
        Assert.True(ContainerLease.NeedsRenewal(s_expiry.AddMinutes(-1), s_expiry));
        Assert.False(ContainerLease.NeedsRenewal(s_expiry, s_expiry));
        Assert.False(ContainerLease.NeedsRenewal(s_expiry.AddDays(7), s_expiry));
    }

    [Fact]
    public void A_sandbox_is_expired_only_when_durable_and_past_its_expiry()
    {
        var durable = new SandboxInfo("a", SandboxState.Stopped, s_expiry) { Lease = TimeSpan.FromMinutes(1), LeaseExpires = s_expiry };
        var owned = new SandboxInfo("b", SandboxState.Running, s_expiry);

        Assert.False(durable.IsExpired(s_expiry.AddSeconds(-1)));
        Assert.True(durable.IsExpired(s_expiry));
        Assert.False(owned.IsExpired(s_expiry.AddYears(1)));
    }
}
