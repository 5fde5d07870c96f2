using Governance.Domain;
using Governance.Security;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>The validated-token cache: a success is reused until it ages out or the token expires; a refusal never is.</summary>
public sealed class CachingTokenHandlerTests : IDisposable
{
    private readonly DevelopmentSigningKey _key = DevelopmentSigningKey.Generate();
    private readonly MovableClock _clock = new(DateTimeOffset.UtcNow);

    private TokenValidationParameters Parameters => new()
    {
        ValidIssuer = "governance-dev",
        ValidAudience = "governance",
        IssuerSigningKey = _key.SecurityKey,
        ValidAlgorithms = [DevelopmentSigningKey.Algorithm],
    };

    [Fact]
    public async Task GivenAValidatedToken_WhenValidatedAgainWithinMaxAge_ThenTheSameResultIsReturned()
    {
        var handler = new CachingTokenHandler(_clock);
        var token = new DevelopmentTokenIssuer(_key).Issue("wg-1", ActorRole.GridWorker, ["330290"]);

        var first = await handler.ValidateTokenAsync(token, Parameters);
        _clock.Advance(CachingTokenHandler.MaxAge - TimeSpan.FromSeconds(1));
        var second = await handler.ValidateTokenAsync(token, Parameters);
        _clock.Advance(TimeSpan.FromSeconds(2));
        var third = await handler.ValidateTokenAsync(token, Parameters);

        Assert.True(first.IsValid);
        Assert.Same(first, second);
        Assert.True(third.IsValid);
        Assert.NotSame(first, third);
    }

    [Fact]
    public async Task GivenATokenThatExpiresBeforeMaxAge_WhenItsExpiryPasses_ThenItIsCheckedAgain()
    {
        var handler = new CachingTokenHandler(_clock);
        var token = new DevelopmentTokenIssuer(_key).Issue("wg-1", ActorRole.GridWorker, ["330290"], lifetime: TimeSpan.FromMinutes(2));

        var first = await handler.ValidateTokenAsync(token, Parameters);
        _clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var again = await handler.ValidateTokenAsync(token, Parameters);

        Assert.NotSame(first, again);
    }

    [Fact]
    public async Task GivenATokenOfAnotherKey_WhenValidatedTwice_ThenRefusedBothTimesAndNeverRemembered()
    {
        var handler = new CachingTokenHandler(_clock);
        using var other = DevelopmentSigningKey.Generate();
        var token = new DevelopmentTokenIssuer(other).Issue("wg-1", ActorRole.GridWorker, ["330290"]);

        var first = await handler.ValidateTokenAsync(token, Parameters);
        var second = await handler.ValidateTokenAsync(token, Parameters);

        Assert.False(first.IsValid);
        Assert.False(second.IsValid);
        Assert.NotSame(first, second);
    }

    public void Dispose() => _key.Dispose();

    private sealed class MovableClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public void Advance(TimeSpan by) => _now += by;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
