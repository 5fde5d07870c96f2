using NetTopologySuite.Geometries;

namespace Governance.Geography.Tests;

/// <summary>Generated shapes for locator tests; deterministic for a seed.</summary>
internal static class TestShapes
{
    private static GeometryFactory Factory => GeoGeometry.Wgs84Factory;

    public static Polygon Star(Random random, double cx, double cy, double radius, int vertices, double minFactor = 0.4)
    {
        var ring = new Coordinate[vertices + 1];
        for (var i = 0; i < vertices; i++)
        {
            var angle = 2 * Math.PI * i / vertices;
            var r = radius * (minFactor + (1 - minFactor) * random.NextDouble());
            ring[i] = new Coordinate(cx + r * Math.Cos(angle), cy + r * Math.Sin(angle));
        }

        ring[^1] = ring[0].Copy();
        return Factory.CreatePolygon(ring);
    }

    /// <summary>
    /// Overlapping stars, some with a hole, some as two-part MultiPolygons, in a 1°×1° box near
    /// Cixi: exercises overlaps (lowest index wins), holes and multiple parts.
    /// </summary>
    public static List<Geometry> RandomPolygons(int count, int seed)
    {
        var random = new Random(seed);
        var result = new List<Geometry>();
        for (var k = 0; k < count; k++)
        {
            var cx = 121 + random.NextDouble();
            var cy = 30 + random.NextDouble();
            var radius = 0.01 + 0.05 * random.NextDouble();
            var star = Star(random, cx, cy, radius, random.Next(5, 40));
            switch (k % 4)
            {
                case 1:
                    // A hole well inside the star's inner radius (0.4·radius).
                    var hole = Star(random, cx, cy, radius * 0.3, random.Next(4, 12), 0.5);
                    result.Add(Factory.CreatePolygon((LinearRing)star.ExteriorRing, [(LinearRing)hole.ExteriorRing.Reverse()]));
                    break;
                case 2:
                    var second = Star(random, cx + 3 * radius, cy + radius, radius * 0.7, random.Next(5, 20));
                    result.Add(Factory.CreateMultiPolygon([star, second]));
                    break;
                default:
                    result.Add(star);
                    break;
            }
        }

        return result;
    }

    /// <summary>
    /// A tiling of nx × ny quadrilaterals whose vertices are lattice points jittered by
    /// multiples of 1/16 (at most ±1/4), scaled by <paramref name="unit"/> and shifted to
    /// (x0, y0): all coordinates are exact binary fractions, so points on edges can be built exactly.
    /// </summary>
    public static List<Geometry> JitteredQuads(int nx, int ny, int seed, double x0 = 0, double y0 = 0, double unit = 1)
    {
        var random = new Random(seed);
        var vx = new double[nx + 1, ny + 1];
        var vy = new double[nx + 1, ny + 1];
        for (var i = 0; i <= nx; i++)
        {
            for (var j = 0; j <= ny; j++)
            {
                vx[i, j] = x0 + (i + random.Next(-4, 5) / 16.0) * unit;
                vy[i, j] = y0 + (j + random.Next(-4, 5) / 16.0) * unit;
            }
        }

        var result = new List<Geometry>();
        for (var j = 0; j < ny; j++)
        {
            for (var i = 0; i < nx; i++)
            {
                result.Add(Factory.CreatePolygon(
                [
                    new(vx[i, j], vy[i, j]), new(vx[i + 1, j], vy[i + 1, j]), new(vx[i + 1, j + 1], vy[i + 1, j + 1]),
                    new(vx[i, j + 1], vy[i, j + 1]), new(vx[i, j], vy[i, j]),
                ]));
            }
        }

        return result;
    }
}
