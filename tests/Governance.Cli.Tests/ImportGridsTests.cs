using Governance.Cli.Tests.Fixtures;
using Governance.Cli.Tests.Support;
using Governance.Geography;

namespace Governance.Cli.Tests;

/// <summary>import-grids: a layer of 15-digit grid codes defined under regions that already exist.</summary>
public sealed class ImportGridsTests
{
    private const string GridA = SmallCounty.FirstVillage + "901";
    private const string GridB = SmallCounty.FirstVillage + "902";

    // Two adjacent 1 km squares east of the small county, sharing the edge at longitude 121.20.
    private static readonly (string, string, double, double, double, double) SquareA = (GridA, "试点网格甲", 121.19, 30.02, 121.20, 30.03);
    private static readonly (string, string, double, double, double, double) SquareB = (GridB, "试点网格乙", 121.20, 30.02, 121.21, 30.03);

    private static Task<CliRun> ImportAsync(string data, string file, params string[] extra) =>
        GovernanceCli.RunAsync([
            "import-grids", "--data", data, "--file", file, "--code-property", "code", "--name-property", "name", "--crs", "wgs84", .. extra]);

    [Fact]
    public async Task Two_adjacent_grids_are_defined_with_their_boundaries_and_a_second_import_changes_nothing()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        await Layers.GenerateSmallCountyAsync(folder, data);
        var file = folder.File("grids.geojson");
        await File.WriteAllTextAsync(file, Layers.Rectangles(SquareA, SquareB));

        var first = await ImportAsync(data, file);
        var second = await ImportAsync(data, file);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("2 features; defined 2, unchanged 0, refused 0.", first.Out, StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("defined 0, unchanged 2, refused 0.", second.Out, StringComparison.Ordinal);
        var registry = await Layers.ReadRegistryAsync(data);
        var a = registry.FindGrid(GridA)!;
        Assert.Equal("试点网格甲", a.Name);
        Assert.Equal(SmallCounty.FirstVillage, a.VillageCode);
        Assert.Equal("试点网格乙", registry.FindGrid(GridB)!.Name);
        var boundary = GeometryWkb.FromWkb(a.BoundaryWkb);
        Assert.Equal(new NetTopologySuite.Geometries.Envelope(121.19, 121.20, 30.02, 30.03), boundary.EnvelopeInternal);
        Assert.Equal(30 + 2, registry.Grids.Count);
    }

    [Fact]
    public async Task A_code_that_is_not_a_grid_code_is_refused_naming_the_feature_and_the_rest_is_defined()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        await Layers.GenerateSmallCountyAsync(folder, data);
        var file = folder.File("grids.geojson");
        await File.WriteAllTextAsync(file, Layers.Rectangles(
            SquareA,
            (SmallCounty.FirstVillage + "90", "坏编码", 121.21, 30.02, 121.22, 30.03),
            (SmallCounty.FirstVillage, "村编码", 121.22, 30.02, 121.23, 30.03)));

        var run = await ImportAsync(data, file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("defined 1, unchanged 0, refused 2.", run.Out, StringComparison.Ordinal);
        Assert.Contains($"refused: feature 1 (code {SmallCounty.FirstVillage}90, 坏编码): ", run.Err, StringComparison.Ordinal);
        Assert.Contains("has 14 digits", run.Err, StringComparison.Ordinal);
        Assert.Contains($"refused: feature 2 (code {SmallCounty.FirstVillage}, 村编码): {SmallCounty.FirstVillage} is a village code, not a 15-digit grid code", run.Err, StringComparison.Ordinal);
        var registry = await Layers.ReadRegistryAsync(data);
        Assert.NotNull(registry.FindGrid(GridA));
    }

    [Fact]
    public async Task A_grid_under_a_village_that_is_not_in_the_registry_is_refused_with_what_to_do()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        await Layers.GenerateSmallCountyAsync(folder, data);
        var file = folder.File("grids.geojson");
        await File.WriteAllTextAsync(file, Layers.Rectangles(
            (SmallCounty.Code + "001999001", "无村网格", 121.19, 30.02, 121.20, 30.03),
            ("330292001001001", "无县网格", 121.20, 30.02, 121.21, 30.03)));

        var run = await ImportAsync(data, file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("defined 0, unchanged 0, refused 2.", run.Out, StringComparison.Ordinal);
        Assert.Contains($"feature 0 (code {SmallCounty.Code}001999001, 无村网格): its village {SmallCounty.Code}001999 is not in the registry; generate the county", run.Err, StringComparison.Ordinal);
        Assert.Contains("feature 1 (code 330292001001001, 无县网格): its county 330292 is not in the registry", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dry_run_says_what_would_happen_and_writes_nothing()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        await Layers.GenerateSmallCountyAsync(folder, data);
        var file = folder.File("grids.geojson");
        await File.WriteAllTextAsync(file, Layers.Rectangles(SquareA, SquareB));

        var run = await ImportAsync(data, file, "--dry-run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("dry run, nothing written: would define 2, unchanged 0, refused 0.", run.Out, StringComparison.Ordinal);
        var registry = await Layers.ReadRegistryAsync(data);
        Assert.Null(registry.FindGrid(GridA));
    }

    [Fact]
    public async Task A_redrawn_boundary_under_an_existing_code_is_refused_and_duplicate_codes_in_one_file_too()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        await Layers.GenerateSmallCountyAsync(folder, data);
        var file = folder.File("grids.geojson");
        await File.WriteAllTextAsync(file, Layers.Rectangles(SquareA));
        await ImportAsync(data, file);
        await File.WriteAllTextAsync(file, Layers.Rectangles(
            (GridA, "试点网格甲", 121.19, 30.02, 121.205, 30.03),
            SquareB,
            (GridB, "重复", 121.20, 30.03, 121.21, 30.04)));

        var run = await ImportAsync(data, file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("defined 1, unchanged 0, refused 2.", run.Out, StringComparison.Ordinal);
        Assert.Contains($"feature 0 (code {GridA}, 试点网格甲): Grid {GridA} already exists", run.Err, StringComparison.Ordinal);
        Assert.Contains($"feature 2 (code {GridB}, 重复): feature 1 has the same code.", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grid_overlapping_existing_grids_is_defined_with_a_warning_but_a_neighbour_is_not_an_overlap()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        await Layers.GenerateSmallCountyAsync(folder, data);
        var file = folder.File("grids.geojson");
        // Square A lies outside the county; this one lies inside it, over generated grids.
        await File.WriteAllTextAsync(file, Layers.Rectangles(SquareA, SquareB, (SmallCounty.FirstVillage + "903", "叠加网格", 121.04, 30.04, 121.05, 30.05)));

        var run = await ImportAsync(data, file);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("defined 3, unchanged 0, refused 0.", run.Out, StringComparison.Ordinal);
        var warning = Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(
            $@"^warning: feature 2 \(code {SmallCounty.FirstVillage}903, 叠加网格\) overlaps (grid {SmallCounty.Code}\d{{9}}|\d+ grids \({SmallCounty.Code}\d{{9}}, .*\)); a point in the overlap is routed to the lowest grid code\.$",
            warning);
    }

    [Fact]
    public async Task Without_a_store_in_the_folder_it_says_to_generate_a_county_first_and_creates_nothing()
    {
        using var folder = new TempDirectory();
        var file = folder.File("grids.geojson");
        await File.WriteAllTextAsync(file, Layers.Rectangles(SquareA));

        var run = await ImportAsync(folder.File("data"), file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("events.db is missing", run.Err, StringComparison.Ordinal);
        Assert.Contains("generate-county", run.Err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder.File("data")));
    }

    [Fact]
    public async Task A_running_host_on_the_same_folder_routes_to_imported_grids_without_a_restart()
    {
        using var folder = new TempDirectory();
        var data = folder.File("data");
        await Layers.GenerateSmallCountyAsync(folder, data);
        await using var host = await GovernanceHost.StartAsync(data, seedDemoCounty: false);
        var file = folder.File("grids.geojson");
        await File.WriteAllTextAsync(file, Layers.Rectangles(SquareA, SquareB));
        string[] lookup = ["lookup", "--address", host.Address, "--token", host.Token, "--lon", "121.205", "--lat", "30.025", "--category", "LE-0101"];
        var before = await GovernanceCli.SucceedAsync(lookup);

        await GovernanceCli.SucceedAsync("import-grids", "--data", data, "--file", file, "--code-property", "code", "--name-property", "name", "--crs", "wgs84");

        // The host follows the store and rebuilds its registry at most once a second.
        var after = before;
        for (var attempt = 0; attempt < 50 && !after.Out.Contains(GridB, StringComparison.Ordinal); attempt++)
        {
            await Task.Delay(200);
            after = await GovernanceCli.SucceedAsync(lookup);
        }
        Assert.Equal("none", before.Field("match"));
        Assert.Contains("more than 5.0 km from every grid", before.Field("reason"), StringComparison.Ordinal);
        Assert.Equal($"{GridB} 试点网格乙", after.Field("grid"));
        Assert.Equal("inside", after.Field("match"));
        Assert.NotEqual("-", after.Field("department"));
    }
}
