using Governance.Analytics.Rates;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Security;

namespace Governance.Analytics.Api;

/// <summary>
/// Who may read which figures, and the slice a request resolves to. The rules follow the worklists': a leader, the
/// county centre, a township office or an administrator reads the regions of its token (a code covers every code it
/// prefixes); a department reads its own department's figures; grid workers and citizens read no rates. An empty
/// region means the caller's own region.
/// </summary>
public static class AnalyticsAccess
{
    /// <summary>
    /// The slice of <paramref name="filter"/> for <paramref name="caller"/>: INVALID_ARGUMENT for a malformed filter,
    /// PERMISSION_DENIED (through <paramref name="deny"/>, which logs it) for one outside the caller's scope.
    /// </summary>
    public static RateSlice Resolve(Caller caller, RateFilter? filter, Func<string, RpcException> deny)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(deny);
        filter ??= new RateFilter();
        var region = Code(filter.RegionCode);
        if (region is not null && !TokenClaims.IsRegionCode(region))
        {
            throw Invalid($"region_code '{region}' is not a region code (6 digits for a county, 9 a township, 12 a village, 15 a grid).");
        }
        var department = Code(filter.DepartmentCode);
        var category = Code(filter.CategoryCode);
        if (filter.Platform != Platform.Unspecified && !Enum.IsDefined(filter.Platform))
        {
            throw Invalid($"platform {(int)filter.Platform} is not a platform; use one of {string.Join(", ", Enum.GetValues<Platform>().Where(p => p != Platform.Unspecified))}.");
        }
        DateTimeOffset? from = filter.From?.ToDateTimeOffset();
        DateTimeOffset? to = filter.To?.ToDateTimeOffset();
        if (from is { } f && to is { } t && f >= t)
        {
            throw Invalid($"from {f:O} is not before to {t:O}.");
        }

        switch (caller.Role)
        {
            case ActorRole.Leader or ActorRole.CountyCenter or ActorRole.TownshipOffice or ActorRole.Administrator:
                region ??= OwnRegion(caller);
                if (region is not null && !caller.Covers(region))
                {
                    throw deny($"region_code {region} is outside the caller's regions ({string.Join(", ", caller.RegionCodes)}).");
                }
                if (region is null && caller.Role != ActorRole.Administrator)
                {
                    throw deny("the caller's token names no region to read figures of.");
                }
                break;
            case ActorRole.DepartmentHandler:
                if (caller.DepartmentCode is null)
                {
                    throw deny("a department token must name its department to read figures.");
                }
                if (department is not null && department != caller.DepartmentCode)
                {
                    throw deny($"a department reads only its own figures ({caller.DepartmentCode}), not {department}'s.");
                }
                department = caller.DepartmentCode;
                region ??= OwnRegion(caller);
                if (region is not null && caller.RegionCodes.Count > 0 && !caller.Covers(region))
                {
                    throw deny($"region_code {region} is outside the caller's regions ({string.Join(", ", caller.RegionCodes)}).");
                }
                break;
            default:
                throw deny($"the role {RoleText(caller.Role)} reads no rates; they are for command centres, departments and leaders.");
        }
        return new RateSlice(region, department, category, filter.Platform == Platform.Unspecified ? null : filter.Platform, from, to);
    }

    /// <summary>The moment a request is judged at: its as_of, or now.</summary>
    public static DateTimeOffset AsOf(RateFilter? filter, DateTimeOffset now) =>
        filter?.AsOf is { } asOf ? asOf.ToDateTimeOffset() : now;

    /// <summary>A caller with one region reads it by default; one with several must say which.</summary>
    private static string? OwnRegion(Caller caller) => caller.RegionCodes.Count switch
    {
        0 => null,
        1 => caller.RegionCodes[0],
        _ => throw Invalid($"the caller covers several regions ({string.Join(", ", caller.RegionCodes)}); name one in region_code."),
    };

    private static string? Code(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static RpcException Invalid(string message) => new(StatusCode.InvalidArgument, message);

    /// <summary>The role as a token spells it (grid_worker); a role no token carries (citizen, system) by its name.</summary>
    private static string RoleText(ActorRole role) =>
        TokenClaims.Roles.FirstOrDefault(r => r.Value == role).Key ?? role.ToString();
}
