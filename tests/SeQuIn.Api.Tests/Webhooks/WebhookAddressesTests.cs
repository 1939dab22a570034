using System.Net;
using SeQuIn.Api.Webhooks;

namespace SeQuIn.Api.Tests.Webhooks;

public sealed class WebhookAddressesTests
{
    private static readonly WebhookAddresses Default = new(new WebhookOptions());

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Addresses_that_are_not_public_are_refused_by_default(string address) =>
        Assert.False(Default.MayConnectTo(IPAddress.Parse(address)));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2a00:1450:4009:81f::200e")]
    public void Public_addresses_are_allowed(string address) => Assert.True(Default.MayConnectTo(IPAddress.Parse(address)));

    [Fact]
    public void A_configured_range_is_allowed_and_nothing_beside_it()
    {
        var addresses = new WebhookAddresses(new WebhookOptions { AllowedPrivateNetworks = ["127.0.0.0/8"] });
        Assert.True(addresses.MayConnectTo(IPAddress.Parse("127.0.0.1")));
        Assert.True(addresses.MayConnectTo(IPAddress.Parse("::ffff:127.0.0.1")));
        Assert.False(addresses.MayConnectTo(IPAddress.Parse("10.0.0.1")));
        Assert.False(addresses.MayConnectTo(IPAddress.Parse("::1")));
    }

    [Fact]
    public async Task Http_is_refused_unless_allowed()
    {
        Assert.Contains("https", await Default.ProblemWithAsync("http://8.8.8.8/hooks", CancellationToken.None));
        Assert.Null(await new WebhookAddresses(new WebhookOptions { AllowHttp = true }).ProblemWithAsync("http://8.8.8.8/hooks", CancellationToken.None));
    }
}
