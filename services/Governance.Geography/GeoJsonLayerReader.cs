using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace Governance.Geography;

/// <summary>How to read a boundary layer.</summary>
public sealed record GeoJsonLayerOptions
{
    /// <summary>The property holding each feature's code (string or integer), e.g. "adcode" or "BoroCD".</summary>
    public required string CodeProperty { get; init; }

    /// <summary>The property holding the display name; when null or absent the code is used as the name.</summary>
    public string? NameProperty { get; init; }

    /// <summary>The coordinate system of the file; vertices are converted to WGS84 on import.</summary>
    public CoordinateSystem SourceCrs { get; init; } = CoordinateSystem.Wgs84;

    /// <summary>
    /// When true (the default) every feature must also pass the OGC validity check (no
    /// self-intersections, holes inside shells ...), because the locator and the tessellator assume it.
    /// </summary>
    public bool RequireValidGeometry { get; init; } = true;
}

/// <summary>One polygon feature of a layer: a Polygon or MultiPolygon in WGS84 (SRID 4326).</summary>
public sealed record LayerFeature(
    string Code,
    string Name,
    Geometry Geometry,
    IReadOnlyDictionary<string, JsonElement> Properties);

/// <summary>A GeoJSON document that is not a usable polygon layer. Names the offending feature.</summary>
public sealed class GeoJsonLayerException : FormatException
{
    public GeoJsonLayerException(string message)
        : base(message)
    {
    }

    public GeoJsonLayerException(int featureIndex, string message)
        : base(string.Create(CultureInfo.InvariantCulture, $"Feature {featureIndex}: {message}"))
    {
        FeatureIndex = featureIndex;
    }

    public GeoJsonLayerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Zero-based index of the feature in the collection, or null for document-level errors.</summary>
    public int? FeatureIndex { get; }
}

/// <summary>
/// Reads polygon layers (FeatureCollection or single Feature) with System.Text.Json. Only Polygon
/// and MultiPolygon geometries are accepted: a boundary layer with a point or a line in it is a
/// data error, and it is better to stop at import than to route incidents against it.
/// </summary>
public static class GeoJsonLayerReader
{
    public static IReadOnlyList<LayerFeature> Read(string json, GeoJsonLayerOptions options)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = Parse(() => JsonDocument.Parse(json));
        return Read(document.RootElement, options);
    }

    public static IReadOnlyList<LayerFeature> Read(Stream stream, GeoJsonLayerOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var document = Parse(() => JsonDocument.Parse(stream));
        return Read(document.RootElement, options);
    }

    private static JsonDocument Parse(Func<JsonDocument> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException ex)
        {
            throw new GeoJsonLayerException("The document is not valid JSON: " + ex.Message, ex);
        }
    }

    private static List<LayerFeature> Read(JsonElement root, GeoJsonLayerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.CodeProperty);

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new GeoJsonLayerException("The document root must be a GeoJSON object.");
        }

        var type = GetString(root, "type");
        var result = new List<LayerFeature>();
        switch (type)
        {
            case "FeatureCollection":
                if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                {
                    throw new GeoJsonLayerException("A FeatureCollection needs a 'features' array.");
                }

                var index = 0;
                foreach (var feature in features.EnumerateArray())
                {
                    result.Add(ReadFeature(feature, index++, options));
                }

                break;
            case "Feature":
                result.Add(ReadFeature(root, 0, options));
                break;
            default:
                throw new GeoJsonLayerException($"Expected a FeatureCollection or a Feature, found type '{type ?? "(none)"}'.");
        }

        return result;
    }

    private static LayerFeature ReadFeature(JsonElement feature, int index, GeoJsonLayerOptions options)
    {
        if (feature.ValueKind != JsonValueKind.Object || GetString(feature, "type") != "Feature")
        {
            throw new GeoJsonLayerException(index, "is not a GeoJSON Feature object.");
        }

        var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (feature.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in props.EnumerateObject())
            {
                // Clone: the values must outlive the JsonDocument, which is disposed on return.
                properties[property.Name] = property.Value.Clone();
            }
        }

        var code = ReadCode(properties, options.CodeProperty, index);
        var name = code;
        if (options.NameProperty is { } nameProperty
            && properties.TryGetValue(nameProperty, out var nameValue)
            && nameValue.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(nameValue.GetString()))
        {
            name = nameValue.GetString()!;
        }

        var label = $"{index} (code {code})";
        if (!feature.TryGetProperty("geometry", out var geometryElement) || geometryElement.ValueKind != JsonValueKind.Object)
        {
            throw new GeoJsonLayerException(index, $"feature {label} has no geometry.");
        }

        var geometry = ReadPolygonal(geometryElement, index, label, options.SourceCrs);
        if (options.RequireValidGeometry)
        {
            var validity = new IsValidOp(geometry);
            if (!validity.IsValid)
            {
                throw new GeoJsonLayerException(index, $"feature {label} has an invalid geometry: {validity.ValidationError}.");
            }
        }

        return new LayerFeature(code, name, geometry, properties);
    }

    private static string ReadCode(Dictionary<string, JsonElement> properties, string codeProperty, int index)
    {
        if (!properties.TryGetValue(codeProperty, out var value))
        {
            throw new GeoJsonLayerException(index, $"the code property '{codeProperty}' is missing.");
        }

        string? code = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()?.Trim(),
            JsonValueKind.Number => value.TryGetInt64(out var integer)
                ? integer.ToString(CultureInfo.InvariantCulture)
                : value.GetRawText(),
            _ => null,
        };

        if (string.IsNullOrEmpty(code))
        {
            throw new GeoJsonLayerException(index, $"the code property '{codeProperty}' must be a non-empty string or a number, found {value.ValueKind}.");
        }

        return code;
    }

    private static Geometry ReadPolygonal(JsonElement geometry, int index, string label, CoordinateSystem crs)
    {
        var type = GetString(geometry, "type");
        if (type is not ("Polygon" or "MultiPolygon"))
        {
            throw new GeoJsonLayerException(index, $"feature {label} has geometry type '{type ?? "(none)"}'; only Polygon and MultiPolygon are accepted.");
        }

        if (!geometry.TryGetProperty("coordinates", out var coordinates) || coordinates.ValueKind != JsonValueKind.Array)
        {
            throw new GeoJsonLayerException(index, $"feature {label} has no 'coordinates' array.");
        }

        var factory = GeoGeometry.Wgs84Factory;
        if (type == "Polygon")
        {
            return ReadPolygon(coordinates, index, label, 0, crs);
        }

        var polygons = new List<Polygon>();
        var part = 0;
        foreach (var polygon in coordinates.EnumerateArray())
        {
            polygons.Add(ReadPolygon(polygon, index, label, part++, crs));
        }

        if (polygons.Count == 0)
        {
            throw new GeoJsonLayerException(index, $"feature {label} is a MultiPolygon without polygons.");
        }

        return factory.CreateMultiPolygon([.. polygons]);
    }

    private static Polygon ReadPolygon(JsonElement polygon, int index, string label, int part, CoordinateSystem crs)
    {
        if (polygon.ValueKind != JsonValueKind.Array || polygon.GetArrayLength() == 0)
        {
            throw new GeoJsonLayerException(index, $"feature {label}, polygon {part}: a polygon needs at least its exterior ring.");
        }

        var rings = new List<LinearRing>();
        var ringIndex = 0;
        foreach (var ring in polygon.EnumerateArray())
        {
            rings.Add(ReadRing(ring, index, label, part, ringIndex++, crs));
        }

        return GeoGeometry.Wgs84Factory.CreatePolygon(rings[0], [.. rings.Skip(1)]);
    }

    private static LinearRing ReadRing(JsonElement ring, int index, string label, int part, int ringIndex, CoordinateSystem crs)
    {
        var where = $"feature {label}, polygon {part}, ring {ringIndex}";
        if (ring.ValueKind != JsonValueKind.Array)
        {
            throw new GeoJsonLayerException(index, $"{where} is not an array of positions.");
        }

        var count = ring.GetArrayLength();
        if (count < 4)
        {
            throw new GeoJsonLayerException(index, $"{where} has {count} positions; a closed ring needs at least 4.");
        }

        var coordinates = new Coordinate[count];
        var i = 0;
        foreach (var position in ring.EnumerateArray())
        {
            if (position.ValueKind != JsonValueKind.Array || position.GetArrayLength() < 2
                || position[0].ValueKind != JsonValueKind.Number || position[1].ValueKind != JsonValueKind.Number)
            {
                throw new GeoJsonLayerException(index, $"{where}, position {i} is not a [longitude, latitude] pair.");
            }

            var lon = position[0].GetDouble();
            var lat = position[1].GetDouble();
            if (!GeoValidation.IsValid(lon, lat))
            {
                throw new GeoJsonLayerException(index, FormattableString.Invariant(
                    $"{where}, position {i} ({lon}, {lat}) is outside longitude [-180, 180] / latitude [-90, 90]; is the file in a projected CRS?"));
            }

            var wgs = ChinaCoordinates.ToWgs84(new GeoPoint(lon, lat), crs);
            coordinates[i++] = new Coordinate(wgs.Longitude, wgs.Latitude);
        }

        // Compare the converted values: the conversion is a pure function, so a ring closed in the
        // source is still closed, and an open one is still open.
        if (!coordinates[0].Equals2D(coordinates[^1]))
        {
            throw new GeoJsonLayerException(index, $"{where} is not closed (its first and last positions differ).");
        }

        return GeoGeometry.Wgs84Factory.CreateLinearRing(coordinates);
    }

    private static string? GetString(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
