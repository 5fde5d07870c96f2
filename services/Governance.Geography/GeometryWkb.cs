using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace Governance.Geography;

/// <summary>
/// Plain 2D OGC WKB (little-endian, no SRID prefix) for storing geometries in SQLite blobs or
/// PostGIS (<c>ST_GeomFromWKB(@wkb, 4326)</c>). Reading assigns SRID 4326.
/// </summary>
public static class GeometryWkb
{
    private static readonly NtsGeometryServices Services = new(
        GeoGeometry.Wgs84Factory.CoordinateSequenceFactory,
        GeoGeometry.Wgs84Factory.PrecisionModel,
        GeoGeometry.Wgs84Srid);

    public static byte[] ToWkb(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);

        // A new writer per call: WKBWriter keeps per-write state, and this keeps the helper thread-safe.
        return new WKBWriter(ByteOrder.LittleEndian, handleSRID: false, emitZ: false, emitM: false).Write(geometry);
    }

    public static Geometry FromWkb(byte[] wkb)
    {
        ArgumentNullException.ThrowIfNull(wkb);
        var geometry = new WKBReader(Services).Read(wkb);
        geometry.SRID = GeoGeometry.Wgs84Srid;
        return geometry;
    }
}
