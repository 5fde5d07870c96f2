using NetTopologySuite.Geometries;

namespace Governance.Geography;

/// <summary>Distances on the Earth and conversions between metres and degrees.</summary>
public static class Geodesy
{
    /// <summary>IUGG mean Earth radius R1: minimises the RMS error of spherical distances.</summary>
    public const double MeanEarthRadiusMeters = 6371008.8;

    private const double RadiansPerDegree = Math.PI / 180.0;

    /// <summary>Great-circle distance on the mean sphere (haversine; within 0.5 % of the ellipsoid).</summary>
    public static double DistanceMeters(GeoPoint a, GeoPoint b) =>
        HaversineMeters(a, b, MeanEarthRadiusMeters);

    /// <summary>Radius of the sphere with the same surface area as the WGS84 ellipsoid.</summary>
    public const double AuthalicEarthRadiusMeters = 6371007.2;

    /// <summary>
    /// Area of a lon/lat Polygon or MultiPolygon on the authalic sphere (Chamberlain and Duquette,
    /// "Some algorithms for polygons on a sphere", JPL 2007): within about 0.1 % of the
    /// ellipsoidal area at county scale. Other geometry types have no area.
    /// </summary>
    public static double AreaSquareMeters(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var total = 0.0;
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } polygon)
            {
                total += Math.Abs(RingArea(polygon.Shell.CoordinateSequence));
                foreach (var hole in polygon.Holes)
                {
                    total -= Math.Abs(RingArea(hole.CoordinateSequence));
                }
            }
        }

        return total;
    }

    private static double RingArea(CoordinateSequence ring)
    {
        var sum = 0.0;
        for (var i = 0; i + 1 < ring.Count; i++)
        {
            var lambda1 = ring.GetX(i) * RadiansPerDegree;
            var lambda2 = ring.GetX(i + 1) * RadiansPerDegree;
            var phi1 = ring.GetY(i) * RadiansPerDegree;
            var phi2 = ring.GetY(i + 1) * RadiansPerDegree;
            sum += (lambda2 - lambda1) * (2 + Math.Sin(phi1) + Math.Sin(phi2));
        }

        return sum * AuthalicEarthRadiusMeters * AuthalicEarthRadiusMeters / 2.0;
    }

    /// <summary>Haversine on a sphere of the given radius; exposed so published vectors with other radii can be checked.</summary>
    public static double HaversineMeters(GeoPoint a, GeoPoint b, double radiusMeters)
    {
        var phi1 = a.Latitude * RadiansPerDegree;
        var phi2 = b.Latitude * RadiansPerDegree;
        var sinHalfDPhi = Math.Sin((phi2 - phi1) / 2.0);
        var sinHalfDLambda = Math.Sin((b.Longitude - a.Longitude) * RadiansPerDegree / 2.0);
        var h = sinHalfDPhi * sinHalfDPhi + Math.Cos(phi1) * Math.Cos(phi2) * sinHalfDLambda * sinHalfDLambda;

        // Rounding can push h a hair above 1 for antipodal points; asin would return NaN.
        h = Math.Min(1.0, h);
        return 2.0 * radiusMeters * Math.Asin(Math.Sqrt(h));
    }
}

/// <summary>
/// A local linear scale between degrees and metres on the WGS84 ellipsoid around a latitude.
/// Good to a few parts per million over a few kilometres, which is what tolerances such as
/// "nearest grid within 200 m" need; not meant for long distances.
/// </summary>
public readonly record struct LocalScale(double MetersPerDegreeLongitude, double MetersPerDegreeLatitude)
{
    private const double RadiansPerDegree = Math.PI / 180.0;

    // WGS84 ellipsoid.
    private const double SemiMajorAxis = 6378137.0;
    private const double EccentricitySquared = 6.69437999014e-3;

    /// <summary>Meridional and prime-vertical radii of curvature of WGS84 at the latitude.</summary>
    public static LocalScale At(double latitude)
    {
        var phi = latitude * RadiansPerDegree;
        var sinPhi = Math.Sin(phi);
        var w2 = 1.0 - EccentricitySquared * sinPhi * sinPhi;
        var w = Math.Sqrt(w2);
        var meridional = SemiMajorAxis * (1.0 - EccentricitySquared) / (w2 * w);
        var primeVertical = SemiMajorAxis / w;

        // Near the poles cos φ → 0; keep a floor so degree extents stay finite.
        var cosPhi = Math.Max(Math.Cos(phi), 1e-9);
        return new LocalScale(primeVertical * cosPhi * RadiansPerDegree, meridional * RadiansPerDegree);
    }

    public double MetersToDegreesLongitude(double meters) => meters / MetersPerDegreeLongitude;

    public double MetersToDegreesLatitude(double meters) => meters / MetersPerDegreeLatitude;

    public double DegreesLongitudeToMeters(double degrees) => degrees * MetersPerDegreeLongitude;

    public double DegreesLatitudeToMeters(double degrees) => degrees * MetersPerDegreeLatitude;
}
