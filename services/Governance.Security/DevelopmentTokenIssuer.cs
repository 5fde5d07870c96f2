using Governance.Domain;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Governance.Security;

/// <summary>
/// Mints tokens a development host accepts, signed with its <see cref="DevelopmentSigningKey"/>: the CLI's
/// `governance token`, tests and the load generator use it. A production installation gets its tokens from the
/// OIDC issuer named in Auth:Authority instead.
/// </summary>
public sealed class DevelopmentTokenIssuer(DevelopmentSigningKey key, string issuer = AuthOptions.DefaultIssuer, string audience = AuthOptions.DefaultAudience, TimeProvider? clock = null)
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromHours(12);

    /// <summary>Longer-lived development tokens would outlast any reason to trust them.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(31);

    private static readonly JsonWebTokenHandler Handler = new();

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>A signed token for the subject in the role, acting in the regions (and department).</summary>
    /// <exception cref="ArgumentException">The claims would be refused by the host; the message says which.</exception>
    public string Issue(string subject, ActorRole role, IReadOnlyList<string> regions, string? department = null, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(regions);
        if (!TokenClaims.Roles.Values.Contains(role))
        {
            throw new ArgumentException($"{role} is not a role a token can carry; use one of {string.Join(", ", TokenClaims.Roles.Keys)}.", nameof(role));
        }
        var roleName = TokenClaims.RoleName(role);
        if (TokenClaims.Problem(subject, roleName, regions, department) is { } problem)
        {
            throw new ArgumentException(problem + ".", nameof(regions));
        }
        var span = lifetime ?? DefaultLifetime;
        if (span <= TimeSpan.Zero || span > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), span, $"A token lives more than zero and at most {MaxLifetime.TotalDays} days.");
        }

        var now = _clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [TokenClaims.Subject] = subject,
            [TokenClaims.Role] = roleName,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        };
        if (regions.Count > 0)
        {
            claims[TokenClaims.Region] = regions.Distinct(StringComparer.Ordinal).ToArray();
        }
        if (!string.IsNullOrWhiteSpace(department))
        {
            claims[TokenClaims.Department] = department;
        }
        return Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + span,
            Claims = claims,
            SigningCredentials = key.Credentials,
        });
    }
}
