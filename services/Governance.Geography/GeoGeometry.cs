using NetTopologySuite.Geometries;

namespace Governance.Geography;

/// <summary>Shared geometry factory and small conversions between <see cref="GeoPoint"/> and NTS types.</summary>
public static class GeoGeometry
{
    /// <summary>EPSG:4326, floating precision: geometries built by this library carry SRID 4326.</summary>
    public const int Wgs84Srid = 4326;

    /// <summary>Factories are immutable, so one instance is shared by every thread.</summary>
    public static GeometryFactory Wgs84Factory { get; } = new(new PrecisionModel(), Wgs84Srid);

    public static Point CreatePoint(GeoPoint point) =>
        Wgs84Factory.CreatePoint(new Coordinate(point.Longitude, point.Latitude));

    public static GeoPoint ToGeoPoint(Coordinate coordinate) => new(coordinate.X, coordinate.Y);

    public static GeoPoint ToGeoPoint(Point point) => new(point.X, point.Y);

    /// <summary>
    /// Applies a point conversion to every vertex. The same input always maps to the same output,
    /// so closed rings stay closed and vertices shared by neighbouring polygons stay shared.
    /// </summary>
    public static Geometry Transform(Geometry geometry, Func<GeoPoint, GeoPoint> convert)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(convert);
        var copy = geometry.Copy();
        copy.Apply(new ConvertFilter(convert));
        copy.GeometryChanged();
        return copy;
    }

    /// <summary>Converts a WGS84 geometry into the given coordinate system (identity for WGS84).</summary>
    public static Geometry FromWgs84(Geometry geometry, CoordinateSystem target) => target == CoordinateSystem.Wgs84
        ? geometry
        : Transform(geometry, p => ChinaCoordinates.FromWgs84(p, target));

    /// <summary>Converts a geometry in the given coordinate system to WGS84 (identity for WGS84).</summary>
    public static Geometry ToWgs84(Geometry geometry, CoordinateSystem source) => source == CoordinateSystem.Wgs84
        ? geometry
        : Transform(geometry, p => ChinaCoordinates.ToWgs84(p, source));

    private sealed class ConvertFilter(Func<GeoPoint, GeoPoint> convert) : IEntireCoordinateSequenceFilter
    {
        public bool Done => false;

        public bool GeometryChanged => true;

        public void Filter(CoordinateSequence seq)
        {
            for (var i = 0; i < seq.Count; i++)
            {
                var converted = convert(new GeoPoint(seq.GetX(i), seq.GetY(i)));
                seq.SetX(i, converted.Longitude);
                seq.SetY(i, converted.Latitude);
            }
        }
    }
}
