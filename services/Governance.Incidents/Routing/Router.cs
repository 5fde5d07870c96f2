using System.Diagnostics;
using System.Globalization;
using Governance.Domain.Routing;
using Governance.Geography;
using Governance.Incidents.Hosting;
using Governance.Incidents.Registry;
using Microsoft.Extensions.Options;

namespace Governance.Incidents.Routing;

/// <summary>Where a WGS84 point fell among the grids, before any category is considered.</summary>
public sealed record Placement(
    RoutingMatch Match,
    GridLocation? Grid,
    string? CountyCode,
    double DistanceMeters,
    string? Reason,
    bool OutsideServiceArea);

/// <summary>
/// Routes a point: the grid containing it (borders resolved deterministically by the locator), else the nearest
/// grid within the tolerance, else the county command centre of the nearest county within the service margin;
/// farther than that the point is not in any county this deployment serves.
/// </summary>
public sealed class Router(RegistryCache registry, IOptions<IncidentsOptions> options)
{
    private readonly double _tolerance = options.Value.NearestGridToleranceMeters;
    private readonly double _margin = options.Value.ServiceAreaMarginMeters;

    public RegistryView View => registry.Current;

    public Placement Place(RegistryView view, GeoPoint wgs84)
    {
        using var activity = IncidentsTelemetry.Source.StartActivity("route");
        var index = view.Locator.Locate(wgs84.Longitude, wgs84.Latitude);
        Placement placement;
        if (index >= 0)
        {
            placement = new Placement(RoutingMatch.Exact, GridLocation.FromGridCode(view.GridCodes[index]), null, 0, null, false);
        }
        else if (view.IsEmpty)
        {
            placement = new Placement(RoutingMatch.Fallback, null, null, 0, "No grids are loaded in the registry.", true);
        }
        else if (view.Locator.NearestWithin(wgs84.Longitude, wgs84.Latitude, _tolerance) is { } near)
        {
            placement = new Placement(RoutingMatch.NearestWithinTolerance, GridLocation.FromGridCode(view.GridCodes[near.Index]), null,
                near.DistanceMeters, null, false);
        }
        else if (view.Locator.NearestWithin(wgs84.Longitude, wgs84.Latitude, _margin) is { } county)
        {
            var countyCode = view.GridCodes[county.Index][..6];
            placement = new Placement(RoutingMatch.Fallback, null, countyCode, county.DistanceMeters,
                string.Create(CultureInfo.InvariantCulture,
                    $"Point is {county.DistanceMeters:F0} m from the nearest grid ({view.GridCodes[county.Index]}), beyond the {_tolerance:F0} m tolerance"),
                false);
        }
        else
        {
            placement = new Placement(RoutingMatch.Fallback, null, null, double.NaN,
                string.Create(CultureInfo.InvariantCulture,
                    $"Point ({wgs84.Longitude:F6}, {wgs84.Latitude:F6}) is more than {_margin / 1000:F1} km from every grid this service covers; check the coordinate system and that latitude and longitude are not swapped"),
                true);
        }
        activity?.SetTag("governance.routing.match", placement.Match.ToString());
        activity?.SetTag("governance.grid", placement.Grid?.GridCode);
        IncidentsTelemetry.RoutingOutcomes.Add(1, new KeyValuePair<string, object?>("match", placement.OutsideServiceArea ? "outside" : placement.Match.ToString()));
        return placement;
    }

    /// <summary>The domain's routing outcome for a placed point and a category (the matrix picks the department).</summary>
    public static RoutingOutcome Outcome(RegistryView view, Placement placement, string categoryCode)
    {
        Debug.Assert(!placement.OutsideServiceArea);
        return placement.Grid is { } grid
            ? view.Snapshot.RouteToGrid(grid.GridCode, categoryCode, placement.Match == RoutingMatch.NearestWithinTolerance ? placement.DistanceMeters : null)
            : view.Snapshot.RouteToCountyCenter(placement.CountyCode!, categoryCode, placement.Reason!);
    }
}
