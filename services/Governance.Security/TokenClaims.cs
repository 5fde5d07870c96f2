using System.Security.Claims;
using Governance.Domain;

namespace Governance.Security;

/// <summary>
/// The claims a Governance bearer token carries and the rules they must meet. One definition serves the host that
/// checks tokens and the issuer that mints them, so a token the CLI prints is one the host accepts.
/// </summary>
public static class TokenClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Region = "region";
    public const string Department = "department";

    /// <summary>The roles a token may name, as spelled on the wire. Citizen and System never arrive with a token.</summary>
    public static IReadOnlyDictionary<string, ActorRole> Roles { get; } = new Dictionary<string, ActorRole>(StringComparer.Ordinal)
    {
        ["grid_worker"] = ActorRole.GridWorker,
        ["department_handler"] = ActorRole.DepartmentHandler,
        ["township_office"] = ActorRole.TownshipOffice,
        ["county_center"] = ActorRole.CountyCenter,
        ["leader"] = ActorRole.Leader,
        ["administrator"] = ActorRole.Administrator,
    };

    public static string RoleName(ActorRole role) =>
        Roles.FirstOrDefault(r => r.Value == role).Key
        ?? throw new ArgumentOutOfRangeException(nameof(role), role, $"{role} is not a role a token can carry.");

    /// <summary>
    /// Null when the claims make a usable caller; otherwise what is wrong, phrased for whoever issued the token.
    /// </summary>
    public static string? Problem(string? subject, string? role, IReadOnlyList<string> regions, string? department)
    {
        if (string.IsNullOrWhiteSpace(subject))
        {
            return $"bad claim '{Subject}': the token names no subject";
        }
        if (subject.Length > 256)
        {
            return $"bad claim '{Subject}': longer than 256 characters";
        }
        if (string.IsNullOrEmpty(role))
        {
            return $"bad claim '{Role}': the token has no role; expected one of {string.Join(", ", Roles.Keys)}";
        }
        if (!Roles.TryGetValue(role, out var known))
        {
            return $"bad claim '{Role}': '{role}' is not a known role; expected one of {string.Join(", ", Roles.Keys)}";
        }
        foreach (var region in regions)
        {
            if (!IsRegionCode(region))
            {
                return $"bad claim '{Region}': '{region}' is not a region code (6, 9, 12 or 15 digits: county, township, village or grid)";
            }
        }
        if (known is ActorRole.GridWorker or ActorRole.TownshipOffice or ActorRole.CountyCenter or ActorRole.Leader && regions.Count == 0)
        {
            return $"bad claim '{Region}': a {role} token must name at least one region it acts in";
        }
        if (known == ActorRole.DepartmentHandler && string.IsNullOrWhiteSpace(department))
        {
            return $"bad claim '{Department}': a department_handler token must name its department";
        }
        return null;
    }

    /// <summary>Reads a validated token's claims into a caller, or says which claim is wrong.</summary>
    public static bool TryRead(ClaimsPrincipal principal, out Caller? caller, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var subject = principal.FindFirst(Subject)?.Value;
        var roles = principal.FindAll(Role).Select(c => c.Value).ToList();
        var regions = principal.FindAll(Region).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        var department = principal.FindFirst(Department)?.Value;
        caller = null;
        if (roles.Count > 1)
        {
            problem = $"bad claim '{Role}': the token names {roles.Count} roles; a caller acts in exactly one";
            return false;
        }
        problem = Problem(subject, roles.FirstOrDefault(), regions, department);
        if (problem is not null)
        {
            return false;
        }
        caller = new Caller(subject!, Roles[roles[0]], regions, string.IsNullOrWhiteSpace(department) ? null : department, Client: null);
        return true;
    }

    /// <summary>6, 9, 12 or 15 digits: a county, township, village or grid code.</summary>
    public static bool IsRegionCode(string code) =>
        code.Length is 6 or 9 or 12 or 15 && code.All(char.IsAsciiDigit);
}
