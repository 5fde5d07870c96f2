using System.Diagnostics;
using BenchmarkDotNet.Running;
using Governance.Geography;
using Governance.Geography.Benchmarks;

// "demo-county" times what the standalone host does on its first start; anything else goes to
// BenchmarkDotNet (e.g. --filter '*').
if (args is ["demo-county", ..])
{
    for (var run = 0; run < 3; run++)
    {
        var watch = Stopwatch.StartNew();
        var outline = SyntheticCounty.Outline();
        var outlineTime = watch.Elapsed;
        var county = RegionTessellator.GenerateCounty(outline, new TessellationOptions());
        var elapsed = watch.Elapsed;

        // A fingerprint of every grid, to compare runs in different processes and machines.
        using var sha = System.Security.Cryptography.SHA256.Create();
        foreach (var grid in county.AtDepth(3))
        {
            var wkb = GeometryWkb.ToWkb(grid.Boundary);
            sha.TransformBlock(wkb, 0, wkb.Length, null, 0);
        }

        sha.TransformFinalBlock([], 0, 0);
        Console.WriteLine(
            $"run {run}: outline {outlineTime.TotalMilliseconds:F0} ms, county {elapsed.TotalMilliseconds:F0} ms total: " +
            $"{county.Children.Count} townships, {county.AtDepth(2).Count()} villages, {county.AtDepth(3).Count()} grids; " +
            $"grids sha256 {Convert.ToHexString(sha.Hash!)[..16]}");
    }

    return;
}

if (args is ["generate", ..])
{
    var watch = Stopwatch.StartNew();
    var polygons = BenchmarkData.Polygons(Console.Out);
    Console.WriteLine($"{polygons.Count} polygons ready in {watch.Elapsed.TotalSeconds:F1} s");
    watch.Restart();
    var cellsPerEdge = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : PolygonLocator.DefaultCellsPerEdge;
    var locator = new PolygonLocator(polygons, cellsPerEdge);
    Console.WriteLine($"PolygonLocator built in {watch.ElapsedMilliseconds} ms: {locator.CellCount} cells, {locator.EdgeReferenceCount} edge copies");
    var (lon, lat) = BenchmarkData.Points();
    for (var round = 0; round < 5; round++)
    {
        watch.Restart();
        var sum = 0L;
        for (var i = 0; i < lon.Length; i++)
        {
            sum += locator.Locate(lon[i], lat[i]);
        }

        Console.WriteLine($"quick check: {lon.Length / watch.Elapsed.TotalSeconds:N0} lookups/s (checksum {sum})");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(LocatorBenchmarks).Assembly).Run(args);
