using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Governance.Geography.Benchmarks;

/// <summary>
/// Point → polygon over 100,000 polygons: the grid locator against STRtree + prepared Covers,
/// on the same fixed 100,000 points. Each invocation locates every point once, so the reported
/// time is per lookup and Op/s is lookups per second on one thread.
/// </summary>
[Config(typeof(Config))]
public class LocatorBenchmarks
{
    private PolygonLocator fast = null!;
    private NaiveLocator naive = null!;
    private double[] lon = [];
    private double[] lat = [];

    [GlobalSetup]
    public void Setup()
    {
        var polygons = BenchmarkData.Polygons(Console.Out);
        (lon, lat) = BenchmarkData.Points();
        fast = new PolygonLocator(polygons);
        naive = new NaiveLocator(polygons);

        // Both must give the same answer for every point, or the comparison means nothing.
        var inside = 0;
        for (var i = 0; i < lon.Length; i++)
        {
            var expected = naive.Locate(lon[i], lat[i]);
            var actual = fast.Locate(lon[i], lat[i]);
            if (expected != actual)
            {
                throw new InvalidOperationException($"Point {i} ({lon[i]}, {lat[i]}): naive {expected}, grid locator {actual}.");
            }

            inside += expected >= 0 ? 1 : 0;
        }

        Console.WriteLine($"// {polygons.Count} polygons, {lon.Length} points ({inside} inside), answers identical; grid {fast.CellCount} cells, {fast.EdgeReferenceCount} edge copies");
    }

    [Benchmark(OperationsPerInvoke = BenchmarkData.PointCount)]
    public int GridLocator()
    {
        var sum = 0;
        for (var i = 0; i < lon.Length; i++)
        {
            sum += fast.Locate(lon[i], lat[i]);
        }

        return sum;
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = BenchmarkData.PointCount)]
    public int StrTreePreparedCovers()
    {
        var sum = 0;
        for (var i = 0; i < lon.Length; i++)
        {
            sum += naive.Locate(lon[i], lat[i]);
        }

        return sum;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun);
            AddColumn(StatisticColumn.OperationsPerSecond);

            // Keep reports beside the build output, not in whatever directory the run started from.
            ArtifactsPath = Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");
        }
    }
}
