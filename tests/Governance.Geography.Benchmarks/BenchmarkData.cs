using System.Diagnostics;
using NetTopologySuite.Geometries;

namespace Governance.Geography.Benchmarks;

/// <summary>
/// The benchmark's polygons: a square of about 31 km × 31 km near Cixi cut into 100,000 Voronoi
/// cells (≈ 100 m across, like dense urban grids). Generating them takes a while, so the cells
/// are cached as WKB in the temp directory, keyed by count and seed.
/// </summary>
internal static class BenchmarkData
{
    public const int PolygonCount = 100_000;
    public const int PointCount = 100_000;
    private const ulong Seed = 42;

    public static Polygon Square { get; } = GeoGeometry.Wgs84Factory.CreatePolygon(
        [new(121.1, 30.0), new(121.425, 30.0), new(121.425, 30.28), new(121.1, 30.28), new(121.1, 30.0)]);

    public static List<Geometry> Polygons(TextWriter? log = null)
    {
        var cache = Path.Combine(Path.GetTempPath(), $"governance-geography-bench-{PolygonCount}-{Seed}.wkb");
        if (File.Exists(cache))
        {
            using var reader = new BinaryReader(File.OpenRead(cache));
            var count = reader.ReadInt32();
            var cached = new List<Geometry>(count);
            for (var i = 0; i < count; i++)
            {
                cached.Add(GeometryWkb.FromWkb(reader.ReadBytes(reader.ReadInt32())));
            }

            return cached;
        }

        var watch = Stopwatch.StartNew();
        var cells = RegionTessellator.Partition(Square, PolygonCount, Seed);
        log?.WriteLine($"Generated {cells.Count} cells in {watch.Elapsed.TotalSeconds:F1} s");
        var temporary = cache + "." + Environment.ProcessId;
        using (var writer = new BinaryWriter(File.Create(temporary)))
        {
            writer.Write(cells.Count);
            foreach (var cell in cells)
            {
                var wkb = GeometryWkb.ToWkb(cell);
                writer.Write(wkb.Length);
                writer.Write(wkb);
            }
        }

        File.Move(temporary, cache, overwrite: true);
        return [.. cells];
    }

    /// <summary>Uniform random points over the square plus a 2 % margin (some fall outside every cell).</summary>
    public static (double[] Lon, double[] Lat) Points()
    {
        var random = new Random(2024);
        var envelope = Square.EnvelopeInternal;
        envelope.ExpandBy(envelope.Width * 0.02, envelope.Height * 0.02);
        var lon = new double[PointCount];
        var lat = new double[PointCount];
        for (var i = 0; i < PointCount; i++)
        {
            lon[i] = envelope.MinX + random.NextDouble() * envelope.Width;
            lat[i] = envelope.MinY + random.NextDouble() * envelope.Height;
        }

        return (lon, lat);
    }
}
