using Governance.Domain;
using Governance.Security;
using Xunit;

namespace Governance.Incidents.Tests;

public sealed class CallerTests
{
    [Theory]
    [InlineData("330290", "330290", true)]
    [InlineData("330290", "330290101", true)]
    [InlineData("330290", "330290101001001", true)]
    [InlineData("330290101", "330290102001", false)]
    [InlineData("330290101001", "330290101", false)]
    [InlineData("330290", "330291", false)]
    [InlineData("330290", "", false)]
    [InlineData("330290", null, false)]
    public void GivenACallersRegions_WhenAskedAboutACode_ThenCoversExactlyThePrefixedCodes(string region, string? code, bool covers)
    {
        var caller = new Caller("tw-1", ActorRole.TownshipOffice, [region], null, null);

        Assert.Equal(covers, caller.Covers(code));
    }

    [Fact]
    public void GivenACallerWithoutRegions_ThenCoversNothing()
    {
        var caller = new Caller("admin", ActorRole.Administrator, [], null, null);

        Assert.False(caller.Covers("330290"));
        Assert.Equal(new Actor("admin", ActorRole.Administrator), caller.Actor);
    }
}
