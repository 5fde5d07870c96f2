using System.Text.Json;
using NetTopologySuite.Geometries;
using Xunit;
using Xunit.Abstractions;

namespace Governance.Geography.Tests;

public class GeoJsonTests(ITestOutputHelper output)
{
    private static readonly GeoJsonLayerOptions DataV = new()
    {
        CodeProperty = "adcode",
        NameProperty = "name",
        SourceCrs = CoordinateSystem.Gcj02,
    };

    [SharedDataFact]
    public void Reads_Ningbo_districts_from_DataV_in_GCJ02()
    {
        using var stream = File.OpenRead(SharedData.PathOf("boundaries", "330200_full.json"));
        var features = GeoJsonLayerReader.Read(stream, DataV);

        Assert.Equal(10, features.Count);
        var cixi = Assert.Single(features, f => f.Code == "330282");
        Assert.Equal("慈溪市", cixi.Name);
        Assert.True(cixi.Geometry.IsValid);
        Assert.IsType<MultiPolygon>(cixi.Geometry);
        Assert.Equal(GeoGeometry.Wgs84Srid, cixi.Geometry.SRID);
        Assert.Equal(JsonValueKind.Number, cixi.Properties["adcode"].ValueKind);
        var areaKm2 = Geodesy.AreaSquareMeters(cixi.Geometry) / 1e6;
        output.WriteLine($"慈溪 area {areaKm2:F0} km², {cixi.Geometry.NumPoints} vertices");
        Assert.InRange(areaKm2, 1200, 1700);
        Assert.All(features, f => Assert.True(f.Geometry.IsValid, f.Code));
    }

    [SharedDataFact]
    public void Converted_vertices_are_the_GCJ02_inverse_of_the_file_values()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(SharedData.PathOf("boundaries", "330200_full.json")));
        var first = document.RootElement.GetProperty("features")[0].GetProperty("geometry").GetProperty("coordinates")[0][0][0];
        var fileValue = new GeoPoint(first[0].GetDouble(), first[1].GetDouble());

        using var stream = File.OpenRead(SharedData.PathOf("boundaries", "330200_full.json"));
        var feature = GeoJsonLayerReader.Read(stream, DataV)[0];
        var vertex = feature.Geometry.GetGeometryN(0).Coordinates[0];

        Assert.Equal(ChinaCoordinates.Gcj02ToWgs84(fileValue), new GeoPoint(vertex.X, vertex.Y));
        Assert.InRange(Geodesy.DistanceMeters(fileValue, new GeoPoint(vertex.X, vertex.Y)), 200, 800);
    }

    [SharedDataFact]
    public void Every_center_and_centroid_lies_inside_its_own_district_after_conversion()
    {
        var checkedPoints = 0;
        foreach (var file in new[] { "330200_full.json", "330600_full.json", "321300_full.json" })
        {
            using var stream = File.OpenRead(SharedData.PathOf("boundaries", file));
            foreach (var feature in GeoJsonLayerReader.Read(stream, DataV))
            {
                foreach (var key in new[] { "center", "centroid" })
                {
                    // A real quirk of the data: 柯桥区 330603 has no centroid.
                    if (!feature.Properties.TryGetValue(key, out var value))
                    {
                        Assert.Equal(("330603", "centroid"), (feature.Code, key));
                        continue;
                    }

                    var gcj = new GeoPoint(value[0].GetDouble(), value[1].GetDouble());
                    var wgs = ChinaCoordinates.Gcj02ToWgs84(gcj);
                    Assert.True(feature.Geometry.Covers(GeoGeometry.CreatePoint(wgs)), $"{file} {feature.Code} {key}");
                    checkedPoints++;
                }
            }
        }

        Assert.Equal(2 * (10 + 6 + 5) - 1, checkedPoints);
    }

    [Fact]
    public void Reads_polygons_with_holes_multipolygons_and_string_or_numeric_codes()
    {
        const string json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"A-1","label":"with hole"},"geometry":{"type":"Polygon","coordinates":[
                [[0,0],[10,0],[10,10],[0,10],[0,0]],[[2,2],[2,4],[4,4],[4,2],[2,2]]]}},
              {"type":"Feature","properties":{"code":42},"geometry":{"type":"MultiPolygon","coordinates":[
                [[[20,0],[21,0],[21,1],[20,0]]],[[[30,0],[31,0],[31,1],[30,0]]]]}}
            ]}
            """;
        var features = GeoJsonLayerReader.Read(json, new GeoJsonLayerOptions { CodeProperty = "code", NameProperty = "label" });

        Assert.Equal(2, features.Count);
        var holed = Assert.IsType<Polygon>(features[0].Geometry);
        Assert.Equal("A-1", features[0].Code);
        Assert.Equal("with hole", features[0].Name);
        Assert.Equal(1, holed.NumInteriorRings);
        Assert.Equal(100 - 4, holed.Area, 1e-12);
        Assert.Equal("42", features[1].Code);
        Assert.Equal("42", features[1].Name); // no name property: the code stands in
        Assert.Equal(2, Assert.IsType<MultiPolygon>(features[1].Geometry).NumGeometries);
    }

    [Fact]
    public void Gcj02_source_is_converted_vertex_by_vertex()
    {
        const string json = """
            {"type":"Feature","properties":{"id":1},"geometry":{"type":"Polygon","coordinates":[
              [[121.2,30.1],[121.3,30.1],[121.3,30.2],[121.2,30.1]]]}}
            """;
        var feature = Assert.Single(GeoJsonLayerReader.Read(json, new GeoJsonLayerOptions { CodeProperty = "id", SourceCrs = CoordinateSystem.Gcj02 }));
        var coordinates = feature.Geometry.Coordinates;
        Assert.Equal(ChinaCoordinates.Gcj02ToWgs84(new GeoPoint(121.3, 30.2)), new GeoPoint(coordinates[2].X, coordinates[2].Y));
        Assert.Equal(coordinates[0], coordinates[^1]);
    }

    [Theory]
    [InlineData("""{"type":"Point","coordinates":[1,2]}""", "geometry type 'Point'")]
    [InlineData("""{"type":"LineString","coordinates":[[1,2],[3,4]]}""", "geometry type 'LineString'")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}""", "has 3 positions")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}""", "not closed")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}""", "invalid geometry")]
    [InlineData("""{"type":"Polygon","coordinates":[[[0,0],[1e6,0],[1e6,1e6],[0,0]]]}""", "outside longitude")]
    [InlineData("""{"type":"Polygon","coordinates":[]}""", "at least its exterior ring")]
    [InlineData("null", "has no geometry")]
    public void Rejects_unusable_geometry_naming_the_feature(string geometry, string expected)
    {
        var json = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"ok"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
              {"type":"Feature","properties":{"code":"bad"},"geometry":
            """ + geometry + "}]}";
        var error = Assert.Throws<GeoJsonLayerException>(() => GeoJsonLayerReader.Read(json, new GeoJsonLayerOptions { CodeProperty = "code" }));
        Assert.Equal(1, error.FeatureIndex);
        Assert.StartsWith("Feature 1:", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("bad", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"name":"x"}""")]
    [InlineData("""{"code":null}""")]
    [InlineData("""{"code":""}""")]
    [InlineData("""{"code":[1]}""")]
    [InlineData("null")]
    public void Rejects_a_missing_or_unusable_code(string properties)
    {
        var json = """{"type":"FeatureCollection","features":[{"type":"Feature","properties":"""
            + properties
            + ""","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}""";
        var error = Assert.Throws<GeoJsonLayerException>(() => GeoJsonLayerReader.Read(json, new GeoJsonLayerOptions { CodeProperty = "code" }));
        Assert.Equal(0, error.FeatureIndex);
        Assert.Contains("'code'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"type":"Polygon","coordinates":[]}""")]
    [InlineData("""{"type":"FeatureCollection"}""")]
    [InlineData("{ not json")]
    public void Rejects_documents_that_are_not_layers(string json)
    {
        var error = Assert.Throws<GeoJsonLayerException>(() => GeoJsonLayerReader.Read(json, new GeoJsonLayerOptions { CodeProperty = "code" }));
        Assert.Null(error.FeatureIndex);
    }

    [Fact]
    public void Writer_round_trips_through_the_reader_in_WGS84_and_GCJ02()
    {
        var outline = SyntheticCounty.Outline();
        var feature = new LayerFeature("330282", "demo", outline, new Dictionary<string, JsonElement>());

        var wgsJson = GeoJsonWriter.WriteFeatureCollection([feature]);
        var wgsBack = Assert.Single(GeoJsonLayerReader.Read(wgsJson, new GeoJsonLayerOptions { CodeProperty = "code", NameProperty = "name" }));
        Assert.Equal("330282", wgsBack.Code);
        Assert.Equal("demo", wgsBack.Name);
        Assert.True(wgsBack.Geometry.EqualsExact(outline.Normalized()) || wgsBack.Geometry.Normalized().EqualsExact(outline.Normalized()));

        var gcjJson = GeoJsonWriter.WriteGeometry(outline, CoordinateSystem.Gcj02);
        var gcjBack = Assert.Single(GeoJsonLayerReader.Read(
            """{"type":"Feature","properties":{"c":1},"geometry":""" + gcjJson + "}",
            new GeoJsonLayerOptions { CodeProperty = "c", SourceCrs = CoordinateSystem.Gcj02 }));
        var a = outline.Normalized().Coordinates;
        var b = gcjBack.Geometry.Normalized().Coordinates;
        Assert.Equal(a.Length, b.Length);
        for (var i = 0; i < a.Length; i++)
        {
            Assert.True(Math.Abs(a[i].X - b[i].X) < 1e-10 && Math.Abs(a[i].Y - b[i].Y) < 1e-10);
        }
    }

    [Fact]
    public void Writer_uses_the_RFC7946_right_hand_rule()
    {
        // Exterior written clockwise on purpose; the writer must reverse it.
        var clockwise = GeoGeometry.Wgs84Factory.CreatePolygon([new(0, 0), new(0, 1), new(1, 1), new(1, 0), new(0, 0)]);
        var json = GeoJsonWriter.WriteGeometry(clockwise);
        Assert.Equal("""{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}""", json);
        Assert.Equal("""{"type":"Point","coordinates":[121.5,30.25]}""", GeoJsonWriter.WriteGeometry(GeoGeometry.CreatePoint(new GeoPoint(121.5, 30.25))));
    }

    [Fact]
    public void Wkb_round_trips_exactly()
    {
        var outline = SyntheticCounty.Outline();
        var bytes = GeometryWkb.ToWkb(outline);
        Assert.Equal(1, bytes[0]); // little-endian marker
        var back = GeometryWkb.FromWkb(bytes);
        Assert.True(back.EqualsExact(outline));
        Assert.Equal(GeoGeometry.Wgs84Srid, back.SRID);
    }
}
