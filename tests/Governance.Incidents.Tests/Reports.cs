using Governance.Contracts.V1;
using Geo = Governance.Geography;

namespace Governance.Incidents.Tests;

/// <summary>Valid reports to start from; each test changes what it is about.</summary>
internal static class Reports
{
    /// <summary>暴露垃圾: auto-dispatched by the county rule to the 综合行政执法局.</summary>
    public const string AutoDispatchCategory = "LE-0101";

    /// <summary>12345紧急诉求: waits for the command centre.</summary>
    public const string ManualCategory = "SG-0201";

    public static ReportIncidentRequest At(GeoPoint point, string category = AutoDispatchCategory, string? clientId = null, string reporter = "wg-test") => new()
    {
        ClientReportId = clientId ?? Guid.NewGuid().ToString(),
        ReporterId = reporter,
        CategoryCode = category,
        Description = "河道旁暴露垃圾约两平方米",
        Channel = Channel.App,
        Location = new Location { Point = point.Clone(), CoordinateSystem = CoordinateSystem.Wgs84, AccuracyMeters = 6 },
    };

    public static GeoPoint Point(double lon, double lat) => new() { Longitude = lon, Latitude = lat };

    public static GeoPoint ToGcj02(GeoPoint wgs84)
    {
        var g = Geo.ChinaCoordinates.Wgs84ToGcj02(new Geo.GeoPoint(wgs84.Longitude, wgs84.Latitude));
        return Point(g.Longitude, g.Latitude);
    }
}
