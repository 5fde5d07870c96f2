using Governance.Domain.Regions;

namespace Governance.Domain.Routing;

/// <summary>Which step of the matrix resolution chose the department, most specific first.</summary>
public enum RuleScopeLevel
{
    Grid = 1,
    Village = 2,
    Township = 3,
    County = 4,

    /// <summary>No rule matched: the township's information-command office (乡镇综合信息指挥室) takes the incident.</summary>
    TownshipCommandOffice = 5,

    /// <summary>No rule and no township office (or no grid at all): the county command center (县综合指挥中心).</summary>
    CountyCommandCenter = 6,
}

/// <summary>
/// The department responsible for an incident and why: the rule (or fallback) that chose it, in words a dispatcher
/// can check. Stored with the incident, so the choice stays explainable after the matrix changes.
/// </summary>
public sealed record Responsibility(string DepartmentCode, RuleScopeLevel RuleScopeLevel, string RuleScopeCode, string Explanation)
{
    /// <summary>True when no rule matched and a command office took the incident by default.</summary>
    public bool IsFallback => RuleScopeLevel is RuleScopeLevel.TownshipCommandOffice or RuleScopeLevel.CountyCommandCenter;

    internal static RuleScopeLevel From(RegionLevel level) => level switch
    {
        RegionLevel.Grid => RuleScopeLevel.Grid,
        RegionLevel.Village => RuleScopeLevel.Village,
        RegionLevel.Township => RuleScopeLevel.Township,
        RegionLevel.County => RuleScopeLevel.County,
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "A rule's scope is a county, township, village or grid."),
    };
}

/// <summary>A grid and the regions above it, as codes (the codes themselves encode the chain).</summary>
public sealed record GridLocation(string GridCode, string VillageCode, string TownshipCode, string CountyCode)
{
    public static GridLocation FromGridCode(string gridCode)
    {
        var code = RegionCode.Parse(gridCode);
        if (code.Level != RegionLevel.Grid)
            throw DomainException.Invalid($"{gridCode} is not a grid code (15 digits).");
        return new GridLocation(gridCode, gridCode[..12], gridCode[..9], gridCode[..6]);
    }
}

/// <summary>How the report's point was matched to a grid.</summary>
public enum RoutingMatch
{
    /// <summary>The point lies inside the grid's polygon (or on its border, assigned deterministically).</summary>
    Exact = 1,

    /// <summary>The point lies outside every grid but within the tolerance of this, the nearest, grid.</summary>
    NearestWithinTolerance = 2,

    /// <summary>The point lies beyond the tolerance of every grid: the county command center gets it, with a reason.</summary>
    Fallback = 3,
}

/// <summary>
/// What the application's routing decided for a report: where the point fell and who is responsible. Computed
/// outside the domain (geometry lives elsewhere) and recorded verbatim on the incident.
/// The county is always known, because even a fallback lands at one county's command center.
/// </summary>
public sealed record RoutingOutcome(
    RoutingMatch Match,
    string? GridCode,
    string? VillageCode,
    string? TownshipCode,
    string CountyCode,
    double? DistanceMetres,
    string? FallbackReason,
    Responsibility Responsibility)
{
    public bool HasGrid => GridCode is not null;

    public static RoutingOutcome InGrid(GridLocation location, Responsibility responsibility) =>
        new(RoutingMatch.Exact, location.GridCode, location.VillageCode, location.TownshipCode, location.CountyCode, null, null, responsibility);

    public static RoutingOutcome NearestGrid(GridLocation location, double distanceMetres, Responsibility responsibility) =>
        new(RoutingMatch.NearestWithinTolerance, location.GridCode, location.VillageCode, location.TownshipCode, location.CountyCode,
            distanceMetres, null, responsibility);

    public static RoutingOutcome CountyFallback(string countyCode, string reason, Responsibility responsibility) =>
        new(RoutingMatch.Fallback, null, null, null, countyCode, null, reason, responsibility);

    /// <summary>Refuses an outcome whose parts contradict each other (a programming error upstream, reported as InvalidArgument).</summary>
    internal void Validate()
    {
        if (!Enum.IsDefined(Match))
            throw DomainException.Invalid($"Routing: match {(int)Match} is not Exact, NearestWithinTolerance or Fallback.");
        if (Responsibility is null || string.IsNullOrWhiteSpace(Responsibility.DepartmentCode))
            throw DomainException.Invalid("Routing: no responsible department was given.");
        var county = RegionCode.TryParse(CountyCode, out var c, out var error) ? c : throw DomainException.Invalid($"Routing: {error}");
        if (county.Level != RegionLevel.County)
            throw DomainException.Invalid($"Routing: {CountyCode} is not a county code.");
        if (Match == RoutingMatch.Fallback)
        {
            if (GridCode is not null || VillageCode is not null || TownshipCode is not null)
                throw DomainException.Invalid("Routing: a fallback outcome names no grid, village or township.");
            if (string.IsNullOrWhiteSpace(FallbackReason))
                throw DomainException.Invalid("Routing: a fallback to the county command center needs a reason.");
            if (Responsibility.RuleScopeLevel != RuleScopeLevel.CountyCommandCenter)
                throw DomainException.Invalid("Routing: a report outside every grid goes to the county command center.");
            return;
        }
        var location = GridCode is null
            ? throw DomainException.Invalid($"Routing: a {Match} outcome must name the grid.")
            : GridLocation.FromGridCode(GridCode);
        if (location != new GridLocation(GridCode, VillageCode ?? "", TownshipCode ?? "", CountyCode))
            throw DomainException.Invalid($"Routing: grid {GridCode} lies in {location.VillageCode} / {location.TownshipCode} / {location.CountyCode}, not the regions given.");
        if (Match == RoutingMatch.NearestWithinTolerance && (DistanceMetres is not { } d || !double.IsFinite(d) || d < 0))
            throw DomainException.Invalid("Routing: a nearest-grid outcome needs the distance to the grid in metres (finite, not negative).");
    }
}
