namespace Governance.Geography;

/// <summary>
/// Conversion between WGS84 and GCJ-02. GCJ-02 is WGS84 plus a deterministic, smooth offset of a
/// few hundred metres inside a rough China bounding box; outside that box the two are identical.
/// The forward formula is the widely published one (Krasovsky ellipsoid constants); there is no
/// closed-form inverse, so the inverse is solved by fixed-point iteration.
/// </summary>
public static class ChinaCoordinates
{
    // Krasovsky 1940 ellipsoid: the constants the published GCJ-02 formula is defined with.
    private const double SemiMajorAxis = 6378245.0;
    private const double EccentricitySquared = 0.00669342162296594323;
    private const double DegreesPerRadian = 180.0 / Math.PI;

    // The usual rough box: conversions are defined as the identity outside it.
    private const double MinLongitude = 72.004;
    private const double MaxLongitude = 137.8347;
    private const double MinLatitude = 0.8293;
    private const double MaxLatitude = 55.8271;

    /// <summary>True outside the rough box in which GCJ-02 differs from WGS84.</summary>
    public static bool IsOutsideChina(double longitude, double latitude) =>
        !(longitude >= MinLongitude && longitude <= MaxLongitude && latitude >= MinLatitude && latitude <= MaxLatitude);

    public static bool IsOutsideChina(GeoPoint point) => IsOutsideChina(point.Longitude, point.Latitude);

    public static GeoPoint Wgs84ToGcj02(GeoPoint wgs)
    {
        if (IsOutsideChina(wgs.Longitude, wgs.Latitude))
        {
            return wgs;
        }

        var (dLon, dLat) = Offset(wgs.Longitude, wgs.Latitude);
        return new GeoPoint(wgs.Longitude + dLon, wgs.Latitude + dLat);
    }

    /// <summary>
    /// Inverse of <see cref="Wgs84ToGcj02"/>. The offset changes by well under 1e-4 per degree, so
    /// the map w ↦ w − (F(w) − g) is a strong contraction: each step gains about four digits, and
    /// a handful of steps reach the limit of double precision (round trip far below a millimetre).
    /// </summary>
    public static GeoPoint Gcj02ToWgs84(GeoPoint gcj)
    {
        if (IsOutsideChina(gcj.Longitude, gcj.Latitude))
        {
            return gcj;
        }

        var lon = gcj.Longitude;
        var lat = gcj.Latitude;
        for (var i = 0; i < 12; i++)
        {
            var (dLon, dLat) = Offset(lon, lat);
            var nextLon = gcj.Longitude - dLon;
            var nextLat = gcj.Latitude - dLat;
            var converged = Math.Abs(nextLon - lon) < 1e-13 && Math.Abs(nextLat - lat) < 1e-13;
            lon = nextLon;
            lat = nextLat;
            if (converged)
            {
                break;
            }
        }

        return new GeoPoint(lon, lat);
    }

    public static GeoPoint ToWgs84(GeoPoint point, CoordinateSystem source) => source switch
    {
        CoordinateSystem.Wgs84 => point,
        CoordinateSystem.Gcj02 => Gcj02ToWgs84(point),
        _ => throw new ArgumentOutOfRangeException(nameof(source), source, "Unknown coordinate system."),
    };

    public static GeoPoint FromWgs84(GeoPoint wgs, CoordinateSystem target) => target switch
    {
        CoordinateSystem.Wgs84 => wgs,
        CoordinateSystem.Gcj02 => Wgs84ToGcj02(wgs),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "Unknown coordinate system."),
    };

    /// <summary>The GCJ-02 offset (degrees) at a WGS84 position.</summary>
    private static (double DLon, double DLat) Offset(double lon, double lat)
    {
        var x = lon - 105.0;
        var y = lat - 35.0;

        // The shared high-frequency term appears in both components.
        var common = (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0;

        var northMetres = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x))
            + common
            + (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0
            + (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320.0 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;

        var eastMetres = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x))
            + common
            + (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0
            + (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;

        // Metres to degrees on the Krasovsky ellipsoid: meridional and prime-vertical radii.
        var phi = lat / DegreesPerRadian;
        var sinPhi = Math.Sin(phi);
        var w2 = 1.0 - EccentricitySquared * sinPhi * sinPhi;
        var w = Math.Sqrt(w2);
        var meridionalRadius = SemiMajorAxis * (1.0 - EccentricitySquared) / (w2 * w);
        var primeVerticalRadius = SemiMajorAxis / w;

        var dLat = northMetres / meridionalRadius * DegreesPerRadian;
        var dLon = eastMetres / (primeVerticalRadius * Math.Cos(phi)) * DegreesPerRadian;
        return (dLon, dLat);
    }
}
