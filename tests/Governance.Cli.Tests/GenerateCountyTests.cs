using Governance.Cli.Tests.Support;
using Governance.Geography;
using Governance.Testing;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Union;
using Xunit.Abstractions;

namespace Governance.Cli.Tests;

/// <summary>generate-county: the same code that seeds the demo county, run on a real county's boundary.</summary>
public sealed class GenerateCountyTests(ITestOutputHelper output)
{
    private const int Grids = 300;

    [SharedDataFact]
    public async Task Generates_grids_inside_the_real_Cixi_outline_that_tile_it_and_route_to_themselves()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        var file = SharedData.PathOf("boundaries", "330200_full.json");

        var run = await GovernanceCli.SucceedAsync(
            "generate-county", "--data", data, "--outline", file, "--feature", "330282",
            "--code-property", "adcode", "--name-property", "name", "--crs", "gcj02", "--grids", Grids.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.StartsWith("County 330282 慈溪市", run.Out, StringComparison.Ordinal);
        Assert.Equal(Grids.ToString(System.Globalization.CultureInfo.InvariantCulture), run.Field("grids"));
        Assert.StartsWith("20 ", run.Field("townships"), StringComparison.Ordinal);

        var registry = await Layers.ReadRegistryAsync(data);
        Assert.Equal(Grids, registry.Grids.Count);
        Assert.Equal("慈溪市", registry.FindRegion("330282")!.Name);
        Assert.Equal("宁波市", registry.FindRegion("330200")!.Name);
        Assert.All(registry.Grids, g =>
        {
            Assert.StartsWith("330282", g.Code, StringComparison.Ordinal);
            Assert.NotNull(registry.FindRegion(g.VillageCode));
            Assert.NotNull(registry.FindRegion(g.Code[..9]));
        });
        Assert.NotNull(registry.CountyCommandCenter("330282"));

        // The outline as the importer read it: GCJ-02 in the file, WGS84 in the store.
        using var stream = File.OpenRead(file);
        var outline = GeoJsonLayerReader.Read(stream, new GeoJsonLayerOptions { CodeProperty = "adcode", SourceCrs = CoordinateSystem.Gcj02 })
            .Single(f => f.Code == "330282").Geometry;
        var grids = registry.Grids.OrderBy(g => g.Code, StringComparer.Ordinal).Select(g => GeometryWkb.FromWkb(g.BoundaryWkb)).ToList();
        // Areas in the lon/lat plane: they do not change when an edge gains a vertex on it, as the outline's edges do
        // where grid borders meet them (the spherical formula does, by about 1e-6, which would hide nothing but noise).
        var outlineArea = outline.Area;
        var unionArea = UnaryUnionOp.Union(grids).Area;
        var sumOfAreas = grids.Sum(g => g.Area);
        output.WriteLine(
            $"慈溪 outline {Geodesy.AreaSquareMeters(outline) / 1e6:0.000} km², union of {grids.Count} grids {Geodesy.AreaSquareMeters(UnaryUnionOp.Union(grids)) / 1e6:0.000} km², " +
            $"sum {grids.Sum(Geodesy.AreaSquareMeters) / 1e6:0.000} km²; planar relative differences: union {Math.Abs(unionArea - outlineArea) / outlineArea:E2}, sum {Math.Abs(sumOfAreas - outlineArea) / outlineArea:E2}");
        Assert.InRange(Math.Abs(unionArea - outlineArea) / outlineArea, 0, 1e-6);
        // Equal sum and union: the grids do not overlap, so they tile the outline.
        Assert.InRange(Math.Abs(sumOfAreas - outlineArea) / outlineArea, 0, 1e-6);

        // Host-free routing: the locator the host uses sends each grid's interior point to that grid.
        var locator = new PolygonLocator(grids);
        for (var i = 0; i < grids.Count; i++)
        {
            Assert.Equal(i, locator.Locate(GeoGeometry.ToGeoPoint((Point)grids[i].InteriorPoint)));
        }
    }

    [SharedDataFact]
    public async Task Running_it_again_with_the_same_options_writes_nothing_and_other_options_are_refused()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        string[] args =
        [
            "generate-county", "--data", data, "--outline", SharedData.PathOf("boundaries", "330200_full.json"),
            "--feature", "330282", "--crs", "gcj02", "--grids", "300",
        ];
        await GovernanceCli.SucceedAsync(args);

        var again = await GovernanceCli.SucceedAsync(args);
        var otherSeed = await GovernanceCli.RunAsync([.. args, "--seed", "5"]);

        Assert.StartsWith("0 registry events", again.Field("written"), StringComparison.Ordinal);
        Assert.Equal(1, otherSeed.ExitCode);
        Assert.Contains("already", otherSeed.Err, StringComparison.Ordinal);
        Assert.Contains("fresh --data folder", otherSeed.Err, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task An_unknown_feature_is_refused_with_the_codes_the_file_has()
    {
        using var folder = new TempDirectory();

        var run = await GovernanceCli.RunAsync(
            "generate-county", "--data", folder.File("data"), "--outline", SharedData.PathOf("boundaries", "330200_full.json"),
            "--feature", "330299", "--crs", "gcj02");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no feature whose adcode is 330299", run.Err, StringComparison.Ordinal);
        Assert.Contains("330282 慈溪市", run.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder.File("data"), "events.db")));
    }

    [Fact]
    public async Task Too_few_grids_for_the_townships_is_a_usage_error_naming_the_minimum()
    {
        using var folder = new TempDirectory();
        var outline = folder.File("outline.geojson");
        await File.WriteAllTextAsync(outline, Layers.Rectangles((SmallCounty.Code, SmallCounty.Name, 121.0, 30.0, 121.1, 30.09)));

        var run = await GovernanceCli.RunAsync(
            "generate-county", "--data", folder.File("data"), "--outline", outline, "--feature", SmallCounty.Code,
            "--code-property", "code", "--crs", "wgs84", "--townships", "4", "--grids", "40");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("at least 60", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feature_code_that_is_not_a_county_needs_a_county_code()
    {
        using var folder = new TempDirectory();
        var outline = folder.File("outline.geojson");
        await File.WriteAllTextAsync(outline, Layers.Rectangles(("330200", "宁波市", 121.0, 30.0, 121.1, 30.09)));

        var run = await GovernanceCli.RunAsync(
            "generate-county", "--data", folder.File("data"), "--outline", outline, "--feature", "330200",
            "--code-property", "code", "--crs", "wgs84", "--townships", "2", "--grids", "30");
        var renamed = await GovernanceCli.RunAsync(
            "generate-county", "--data", folder.File("data"), "--outline", outline, "--feature", "330200",
            "--code-property", "code", "--crs", "wgs84", "--townships", "2", "--grids", "30", "--county-code", "330299", "--county-name", "测试县");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("330200 is not a county code", run.Err, StringComparison.Ordinal);
        Assert.True(renamed.ExitCode == 0, renamed.ToString());
        Assert.StartsWith("County 330299 测试县", renamed.Out, StringComparison.Ordinal);
    }
}
