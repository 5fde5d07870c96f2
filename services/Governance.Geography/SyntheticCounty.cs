using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace Governance.Geography;

/// <summary>
/// A made-up county outline for the demo and for tests that must run without real boundary
/// files (the product may not ship them). Deterministic for a seed: an irregular, elongated
/// mainland with a fractal, coastline-like border, plus optionally a small offshore island.
/// </summary>
public static class SyntheticCounty
{
    /// <summary>Near 慈溪 (Cixi), Ningbo — the county the demo imitates.</summary>
    public static GeoPoint DefaultCentre { get; } = new(121.25, 30.17);

    public const double DefaultAreaSquareKilometres = 1350.0;

    /// <summary>
    /// The outline (WGS84; Polygon, or MultiPolygon with the island), with vertices rounded to
    /// 1e-7 degrees. Its area is <paramref name="areaSquareKilometres"/> to within a fraction of
    /// a percent.
    /// </summary>
    public static Geometry Outline(
        GeoPoint? centre = null,
        double areaSquareKilometres = DefaultAreaSquareKilometres,
        ulong seed = 1,
        bool includeIsland = true)
    {
        var c = (centre ?? DefaultCentre).EnsureValid();
        if (!(areaSquareKilometres > 1 && areaSquareKilometres < 1e6))
        {
            throw new ArgumentOutOfRangeException(nameof(areaSquareKilometres), areaSquareKilometres, "Area must be in (1, 1e6) km².");
        }

        var random = new DeterministicRandom(seed);
        var islandShare = includeIsland ? 0.012 : 0.0;

        // Work in kilometres on a local plane, then scale the result to the exact area.
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var attemptRandom = random.Fork((ulong)attempt);
            var mainland = FractalBlob(attemptRandom, radius: 1.0, elongation: 1.7, baseVertices: 14, levels: 6, roughness: 0.16);
            if (!IsSimpleRing(mainland))
            {
                continue;
            }

            var mainArea = Math.Abs(SignedArea(mainland));
            var k = Math.Sqrt(areaSquareKilometres * (1 - islandShare) / mainArea);
            Scale(mainland, k);
            var rings = new List<List<(double X, double Y)>> { mainland };

            if (includeIsland)
            {
                var islandRadius = Math.Sqrt(areaSquareKilometres * islandShare / Math.PI);
                var island = FractalBlob(attemptRandom, radius: islandRadius, elongation: 1.3, baseVertices: 9, levels: 4, roughness: 0.14);
                Scale(island, Math.Sqrt(areaSquareKilometres * islandShare / Math.Abs(SignedArea(island))));
                if (!IsSimpleRing(island) || !PlaceOffshore(mainland, island, attemptRandom))
                {
                    continue;
                }

                rings.Add(island);
            }

            var geometry = ToGeometry(rings, c);
            if (new IsValidOp(geometry).IsValid)
            {
                return geometry;
            }
        }

        throw new InvalidOperationException("Could not generate a valid outline for this seed.");
    }

    /// <summary>
    /// A star-shaped base polygon with random radii, elongated and rotated, then roughened by
    /// midpoint displacement: each level splits every edge and pushes the midpoint sideways by a
    /// random fraction of the edge length, which gives the self-similar look of a coastline.
    /// </summary>
    private static List<(double X, double Y)> FractalBlob(
        DeterministicRandom random, double radius, double elongation, int baseVertices, int levels, double roughness)
    {
        var rotation = random.NextDouble(0, Math.PI);
        var cos = Math.Cos(rotation);
        var sin = Math.Sin(rotation);
        var points = new List<(double X, double Y)>();
        for (var i = 0; i < baseVertices; i++)
        {
            var angle = (i + random.NextDouble(-0.3, 0.3)) * 2 * Math.PI / baseVertices;
            var r = radius * random.NextDouble(0.65, 1.25);
            var x = r * Math.Cos(angle) * elongation;
            var y = r * Math.Sin(angle) / elongation;
            points.Add((x * cos - y * sin, x * sin + y * cos));
        }

        for (var level = 0; level < levels; level++)
        {
            var next = new List<(double X, double Y)>(points.Count * 2);
            for (var i = 0; i < points.Count; i++)
            {
                var a = points[i];
                var b = points[(i + 1) % points.Count];
                var dx = b.X - a.X;
                var dy = b.Y - a.Y;
                var offset = random.NextDouble(-roughness, roughness);
                next.Add(a);
                next.Add(((a.X + b.X) / 2 - dy * offset, (a.Y + b.Y) / 2 + dx * offset));
            }

            points = next;
        }

        return points;
    }

    /// <summary>Moves the island out along a random bearing until it is 2–5 km clear of the mainland.</summary>
    private static bool PlaceOffshore(List<(double X, double Y)> mainland, List<(double X, double Y)> island, DeterministicRandom random)
    {
        var bearing = random.NextDouble(0, 2 * Math.PI);
        var ux = Math.Cos(bearing);
        var uy = Math.Sin(bearing);
        var reach = mainland.Max(p => p.X * ux + p.Y * uy);
        var islandReach = island.Max(p => -(p.X * ux + p.Y * uy));
        var gap = random.NextDouble(2.0, 5.0);
        var shift = reach + islandReach + gap;
        for (var i = 0; i < island.Count; i++)
        {
            island[i] = (island[i].X + ux * shift, island[i].Y + uy * shift);
        }

        // The projection bound guarantees the gap along the bearing; check the true clearance too.
        var clearance = double.PositiveInfinity;
        foreach (var p in island)
        {
            for (var i = 0; i < mainland.Count; i++)
            {
                var a = mainland[i];
                var b = mainland[(i + 1) % mainland.Count];
                clearance = Math.Min(clearance, SegmentIndex.PointSegmentDistance(p.X, p.Y, a.X, a.Y, b.X, b.Y));
            }
        }

        return clearance >= 1.0;
    }

    private static Geometry ToGeometry(List<List<(double X, double Y)>> rings, GeoPoint centre)
    {
        var scale = LocalScale.At(centre.Latitude);
        var factory = GeoGeometry.Wgs84Factory;
        var polygons = new List<Polygon>();
        foreach (var ring in rings)
        {
            var ccw = SignedArea(ring) > 0;
            var coordinates = new Coordinate[ring.Count + 1];
            for (var i = 0; i < ring.Count; i++)
            {
                var p = ring[ccw ? i : ring.Count - 1 - i];
                coordinates[i] = new Coordinate(
                    Math.Round(centre.Longitude + scale.MetersToDegreesLongitude(p.X * 1000), 7),
                    Math.Round(centre.Latitude + scale.MetersToDegreesLatitude(p.Y * 1000), 7));
            }

            coordinates[^1] = coordinates[0].Copy();
            polygons.Add(factory.CreatePolygon(coordinates));
        }

        return polygons.Count == 1 ? polygons[0] : factory.CreateMultiPolygon([.. polygons]);
    }

    private static void Scale(List<(double X, double Y)> ring, double k)
    {
        for (var i = 0; i < ring.Count; i++)
        {
            ring[i] = (ring[i].X * k, ring[i].Y * k);
        }
    }

    private static double SignedArea(List<(double X, double Y)> ring)
    {
        var sum = 0.0;
        for (var i = 0; i < ring.Count; i++)
        {
            var a = ring[i];
            var b = ring[(i + 1) % ring.Count];
            sum += a.X * b.Y - b.X * a.Y;
        }

        return sum / 2;
    }

    private static bool IsSimpleRing(List<(double X, double Y)> ring)
    {
        var coordinates = ring.Select(p => new Coordinate(p.X, p.Y)).Append(new Coordinate(ring[0].X, ring[0].Y)).ToArray();
        return GeoGeometry.Wgs84Factory.CreateLinearRing(coordinates).IsSimple;
    }
}
