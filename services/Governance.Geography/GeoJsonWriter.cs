using System.Text;
using System.Text.Json;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace Governance.Geography;

/// <summary>
/// Writes WGS84 geometries as GeoJSON (RFC 7946), optionally converted to GCJ-02 for Chinese web
/// maps. Polygon rings follow the RFC's right-hand rule (exterior counter-clockwise, holes clockwise).
/// </summary>
public static class GeoJsonWriter
{
    public static string WriteGeometry(Geometry geometry, CoordinateSystem target = CoordinateSystem.Wgs84)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteGeometry(writer, geometry, target);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A FeatureCollection with the code and name as properties, plus each feature's other properties.</summary>
    public static string WriteFeatureCollection(
        IEnumerable<LayerFeature> features,
        string codeProperty = "code",
        string nameProperty = "name",
        CoordinateSystem target = CoordinateSystem.Wgs84)
    {
        ArgumentNullException.ThrowIfNull(features);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "FeatureCollection");
            writer.WriteStartArray("features");
            foreach (var feature in features)
            {
                writer.WriteStartObject();
                writer.WriteString("type", "Feature");
                writer.WriteStartObject("properties");
                writer.WriteString(codeProperty, feature.Code);
                writer.WriteString(nameProperty, feature.Name);
                foreach (var (key, value) in feature.Properties)
                {
                    if (key != codeProperty && key != nameProperty)
                    {
                        writer.WritePropertyName(key);
                        value.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
                writer.WritePropertyName("geometry");
                WriteGeometry(writer, feature.Geometry, target);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void WriteGeometry(Utf8JsonWriter writer, Geometry geometry, CoordinateSystem target = CoordinateSystem.Wgs84)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(geometry);
        writer.WriteStartObject();
        switch (geometry)
        {
            case Point point:
                writer.WriteString("type", "Point");
                writer.WritePropertyName("coordinates");
                if (point.IsEmpty)
                {
                    writer.WriteStartArray();
                    writer.WriteEndArray();
                }
                else
                {
                    WritePosition(writer, point.X, point.Y, target);
                }

                break;
            case LineString line:
                writer.WriteString("type", "LineString");
                writer.WritePropertyName("coordinates");
                WriteSequence(writer, line.CoordinateSequence, target, reverse: false);
                break;
            case Polygon polygon:
                writer.WriteString("type", "Polygon");
                writer.WritePropertyName("coordinates");
                WritePolygonRings(writer, polygon, target);
                break;
            case MultiPoint multiPoint:
                writer.WriteString("type", "MultiPoint");
                writer.WriteStartArray("coordinates");
                foreach (var part in multiPoint.Geometries)
                {
                    var p = (Point)part;
                    WritePosition(writer, p.X, p.Y, target);
                }

                writer.WriteEndArray();
                break;
            case MultiLineString multiLine:
                writer.WriteString("type", "MultiLineString");
                writer.WriteStartArray("coordinates");
                foreach (var part in multiLine.Geometries)
                {
                    WriteSequence(writer, ((LineString)part).CoordinateSequence, target, reverse: false);
                }

                writer.WriteEndArray();
                break;
            case MultiPolygon multiPolygon:
                writer.WriteString("type", "MultiPolygon");
                writer.WriteStartArray("coordinates");
                foreach (var part in multiPolygon.Geometries)
                {
                    WritePolygonRings(writer, (Polygon)part, target);
                }

                writer.WriteEndArray();
                break;
            case GeometryCollection collection:
                writer.WriteString("type", "GeometryCollection");
                writer.WriteStartArray("geometries");
                foreach (var part in collection.Geometries)
                {
                    WriteGeometry(writer, part, target);
                }

                writer.WriteEndArray();
                break;
            default:
                throw new NotSupportedException($"Geometry type {geometry.GeometryType} cannot be written as GeoJSON.");
        }

        writer.WriteEndObject();
    }

    private static void WritePolygonRings(Utf8JsonWriter writer, Polygon polygon, CoordinateSystem target)
    {
        writer.WriteStartArray();
        if (!polygon.IsEmpty)
        {
            var shell = polygon.ExteriorRing.CoordinateSequence;
            WriteSequence(writer, shell, target, reverse: !Orientation.IsCCW(shell));
            foreach (var hole in polygon.InteriorRings)
            {
                WriteSequence(writer, hole.CoordinateSequence, target, reverse: Orientation.IsCCW(hole.CoordinateSequence));
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteSequence(Utf8JsonWriter writer, CoordinateSequence sequence, CoordinateSystem target, bool reverse)
    {
        writer.WriteStartArray();
        var n = sequence.Count;
        for (var k = 0; k < n; k++)
        {
            var i = reverse ? n - 1 - k : k;
            WritePosition(writer, sequence.GetX(i), sequence.GetY(i), target);
        }

        writer.WriteEndArray();
    }

    private static void WritePosition(Utf8JsonWriter writer, double lon, double lat, CoordinateSystem target)
    {
        var p = ChinaCoordinates.FromWgs84(new GeoPoint(lon, lat), target);
        writer.WriteStartArray();
        writer.WriteNumberValue(p.Longitude);
        writer.WriteNumberValue(p.Latitude);
        writer.WriteEndArray();
    }
}
