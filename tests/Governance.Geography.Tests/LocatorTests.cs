using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using Xunit;
using Xunit.Abstractions;

namespace Governance.Geography.Tests;

/// <summary>The demo county, generated once for all locator tests.</summary>
public sealed class DemoCountyFixture
{
    public DemoCountyFixture()
    {
        Outline = SyntheticCounty.Outline();
        County = RegionTessellator.GenerateCounty(Outline, new TessellationOptions());
        Grids = [.. County.AtDepth(3).Select(g => g.Boundary)];
        Locator = new PolygonLocator(Grids);
        Naive = new NaiveLocator(Grids);
    }

    public Geometry Outline { get; }

    public GeneratedRegion County { get; }

    public List<Geometry> Grids { get; }

    public PolygonLocator Locator { get; }

    public NaiveLocator Naive { get; }
}

public class LocatorTests(DemoCountyFixture demo, ITestOutputHelper output) : IClassFixture<DemoCountyFixture>
{
    [Fact]
    public void Agrees_with_the_naive_locator_on_100k_random_points_in_the_demo_county()
    {
        var envelope = demo.County.Boundary.EnvelopeInternal;
        envelope.ExpandBy(envelope.Width * 0.02, envelope.Height * 0.02);
        var random = new Random(7);
        var inside = 0;
        for (var n = 0; n < 100_000; n++)
        {
            var lon = envelope.MinX + random.NextDouble() * envelope.Width;
            var lat = envelope.MinY + random.NextDouble() * envelope.Height;
            var expected = demo.Naive.Locate(lon, lat);
            Assert.Equal(expected, demo.Locator.Locate(lon, lat));
            inside += expected >= 0 ? 1 : 0;
        }

        output.WriteLine($"{inside} of 100000 points inside a grid; {demo.Locator.CellCount} cells, {demo.Locator.EdgeReferenceCount} edge copies");
        Assert.InRange(inside, 30_000, 99_000);
    }

    [Fact]
    public void Every_grid_interior_point_locates_to_its_grid()
    {
        var grids = demo.County.AtDepth(3).ToList();
        for (var g = 0; g < grids.Count; g++)
        {
            Assert.Equal(g, demo.Locator.Locate(grids[g].InteriorPoint));
        }
    }

    [Fact]
    public void Agrees_with_the_naive_locator_on_overlapping_holed_and_multipart_polygons()
    {
        var polygons = TestShapes.RandomPolygons(400, seed: 3);
        var locator = new PolygonLocator(polygons);
        var naive = new NaiveLocator(polygons);
        var random = new Random(11);
        var hits = new int[polygons.Count];
        for (var n = 0; n < 100_000; n++)
        {
            var lon = 120.95 + random.NextDouble() * 1.3;
            var lat = 29.95 + random.NextDouble() * 1.15;
            var expected = naive.Locate(lon, lat);
            Assert.Equal(expected, locator.Locate(lon, lat));
            if (expected >= 0)
            {
                hits[expected]++;
            }
        }

        // The shapes under test were really hit: holed polygons and multipolygons included.
        Assert.True(Enumerable.Range(0, polygons.Count).Count(k => k % 4 == 1 && hits[k] > 0) > 50);
        Assert.True(Enumerable.Range(0, polygons.Count).Count(k => k % 4 == 2 && hits[k] > 0) > 50);
    }

    [Fact]
    public void Holes_belong_to_the_polygon_that_fills_them_and_multipolygon_parts_to_their_owner()
    {
        var f = GeoGeometry.Wgs84Factory;
        var shell = f.CreateLinearRing([new(0, 0), new(10, 0), new(10, 10), new(0, 10), new(0, 0)]);
        var holeRing = f.CreateLinearRing([new(2, 2), new(2, 6), new(6, 6), new(6, 2), new(2, 2)]);
        var holed = f.CreatePolygon(shell, [holeRing]);
        var island = f.CreatePolygon([new(2, 2), new(6, 2), new(6, 6), new(2, 6), new(2, 2)]);
        var multi = f.CreateMultiPolygon(
        [
            f.CreatePolygon([new(20, 0), new(22, 0), new(22, 2), new(20, 2), new(20, 0)]),
            f.CreatePolygon([new(30, 0), new(32, 0), new(32, 2), new(30, 2), new(30, 0)]),
        ]);
        var locator = new PolygonLocator([multi, holed, island]);

        Assert.Equal(1, locator.Locate(1, 1));
        Assert.Equal(2, locator.Locate(4, 4));
        Assert.Equal(1, locator.Locate(8, 8));
        Assert.Equal(0, locator.Locate(21, 1));
        Assert.Equal(0, locator.Locate(31, 1));
        Assert.Equal(-1, locator.Locate(25, 1));
        Assert.Equal(-1, locator.Locate(-1, 5));

        // The hole's border is shared by the holed polygon and the island: one answer, by the
        // half-open rule (the nudged point east and a hair north decides).
        Assert.Equal(2, locator.Locate(2, 4));   // west side of the hole: nudge goes into the island
        Assert.Equal(1, locator.Locate(6, 4));   // east side: nudge goes into the holed polygon
        Assert.Equal(2, locator.Locate(4, 2));   // south side: nudge goes north, into the island
        Assert.Equal(1, locator.Locate(4, 6));   // north side
        Assert.Equal(2, locator.Locate(2, 2));   // south-west corner of the hole
        Assert.Equal(1, locator.Locate(6, 6));

        // Points on the outer boundary still find their polygon (lowest index covering).
        Assert.Equal(1, locator.Locate(10, 5));
        Assert.Equal(1, locator.Locate(5, 10));
        Assert.Equal(1, locator.Locate(10, 10));
        Assert.Equal(0, locator.Locate(22, 2));
    }

    [Fact]
    public void Every_point_of_a_square_tiling_belongs_to_exactly_the_cell_to_its_north_east()
    {
        // Unit squares [i, i+1) × [j, j+1): the half-open rule in its plainest form.
        const int n = 8;
        var f = GeoGeometry.Wgs84Factory;
        var squares = new List<Geometry>();
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < n; i++)
            {
                squares.Add(f.CreatePolygon([new(i, j), new(i + 1, j), new(i + 1, j + 1), new(i, j + 1), new(i, j)]));
            }
        }

        var locator = new PolygonLocator(squares);
        for (var y = 0.0; y <= n; y += 0.25)
        {
            for (var x = 0.0; x <= n; x += 0.25)
            {
                int expected;
                if (x < n && y < n)
                {
                    expected = (int)Math.Floor(y) * n + (int)Math.Floor(x);
                }
                else
                {
                    // On the east or north outer edge the nudge leaves the tiling: lowest index covering.
                    var point = f.CreatePoint(new Coordinate(x, y));
                    expected = squares.FindIndex(s => s.Covers(point));
                }

                Assert.Equal(expected, locator.Locate(x, y));
            }
        }
    }

    [Fact]
    public void Points_on_shared_edges_and_vertices_of_a_tiling_get_exactly_the_half_open_answer()
    {
        // Lattice points of step 1/64 land exactly on many edges and on every vertex of the
        // jittered tiling. The expected owner is the polygon containing the point nudged
        // (1e-6 east, 1e-9 north) — a finite stand-in for (ε, δ) that is exact here because
        // no edge has a slope between 0 and 1/24 — or, on the outer boundary, the lowest index
        // covering it.
        var tiles = TestShapes.JitteredQuads(6, 5, seed: 5);
        var locator = new PolygonLocator(tiles);
        var naive = new NaiveLocator(tiles);
        int onBorder = 0, onVertex = 0;
        var vertices = tiles.SelectMany(t => t.Coordinates).Select(c => (c.X, c.Y)).ToHashSet();
        for (var y = -0.5; y <= 5.5; y += 1.0 / 64)
        {
            for (var x = -0.5; x <= 6.5; x += 1.0 / 64)
            {
                var point = GeoGeometry.Wgs84Factory.CreatePoint(new Coordinate(x, y));
                var covering = Enumerable.Range(0, tiles.Count).Where(k => tiles[k].Covers(point)).ToList();
                var nudged = naive.Locate(x + 1e-6, y + 1e-9);
                var expected = nudged >= 0 ? nudged : (covering.Count > 0 ? covering[0] : -1);
                var actual = locator.Locate(x, y);
                Assert.Equal(expected, actual);
                if (covering.Count > 1)
                {
                    onBorder++;
                    Assert.Contains(actual, covering);
                }

                onVertex += vertices.Contains((x, y)) ? 1 : 0;
            }
        }

        output.WriteLine($"{onBorder} lattice points on shared borders, {onVertex} on vertices");
        Assert.True(onBorder > 150, $"{onBorder}");
        Assert.Equal(42, onVertex);
    }

    [Fact]
    public void Answers_do_not_depend_on_the_grid_even_for_edges_and_points_on_cell_sides()
    {
        // Fix a 16 × 16 grid over [0, 8]², then build polygons whose edges run exactly along
        // cell sides and through cell corners, and probe points on cell sides and corners:
        // the cases where the lookup path (east to the cell side, down to the corner) touches
        // edges. Locators with other grids must give the same answers.
        var f = GeoGeometry.Wgs84Factory;
        var frame = f.CreatePolygon([new(0, 0), new(8, 0), new(8, 8), new(0, 8), new(0, 0)]);
        var xs = new PolygonLocator([frame], 1, (16, 16)).ColumnBoundaries;
        var ys = new PolygonLocator([frame], 1, (16, 16)).RowBoundaries;
        double xa = xs[4], xb = xs[11], yc = ys[6], yd = ys[13];
        var pieces = new List<Geometry>
        {
            f.CreatePolygon([new(0, 0), new(xa, 0), new(xa, 8), new(0, 8), new(0, 0)]),
            f.CreatePolygon([new(xa, 0), new(xb, 0), new(xb, yc), new(xa, yc), new(xa, 0)]),
            f.CreatePolygon([new(xa, yc), new(xb, yc), new(xb, yd), new(xa, yc)]),
            f.CreatePolygon([new(xa, yc), new(xb, yd), new(xb, 8), new(xa, 8), new(xa, yc)]),
            f.CreatePolygon([new(xb, 0), new(8, 0), new(8, 8), new(xb, 8), new(xb, 0)]),
        };

        var reference = new PolygonLocator(pieces, 1, (16, 16));
        Assert.Equal(xs, reference.ColumnBoundaries); // same bounding box, same grid
        var others = new[] { 0.02, 0.3, 1.0, 7.0, 40.0 }.Select(c => new PolygonLocator(pieces, c)).ToList();
        var naive = new NaiveLocator(pieces);

        var probeXs = xs.Concat(xs.Zip(xs.Skip(1), (a, b) => (a + b) / 2)).Append(0).Append(8).ToList();
        var probeYs = ys.Concat(ys.Zip(ys.Skip(1), (a, b) => (a + b) / 2)).Append(0).Append(8).ToList();
        var onBorders = 0;
        foreach (var x in probeXs)
        {
            foreach (var y in probeYs)
            {
                var point = f.CreatePoint(new Coordinate(x, y));
                var covering = Enumerable.Range(0, pieces.Count).Where(k => pieces[k].Covers(point)).ToList();
                // Strictly inside one polygon (NTS's predicates are exact): that one. On a
                // border: the polygon the nudged point falls in, or on the outer boundary the
                // lowest index. (A point merely near the diagonal must not be nudged across it.)
                var nudged = naive.Locate(x + 1e-7, y + 1e-10);
                var expected = covering.Count switch
                {
                    0 => -1,
                    1 => covering[0],
                    _ => covering.Contains(nudged) ? nudged : covering[0],
                };
                Assert.True(expected == reference.Locate(x, y), FormattableString.Invariant($"({x:R}, {y:R}) covering [{string.Join(",", covering)}] nudged {nudged} got {reference.Locate(x, y)}"));
                Assert.All(others, o => Assert.Equal(expected, o.Locate(x, y)));
                onBorders += covering.Count > 1 ? 1 : 0;
            }
        }

        Assert.True(onBorders > 50, $"{onBorders}");
    }

    [Fact]
    public void Shared_vertices_and_exact_edge_points_of_the_demo_county_get_one_covering_grid()
    {
        var grids = demo.Grids;
        var tree = new STRtree<int>();
        for (var g = 0; g < grids.Count; g++)
        {
            tree.Insert(grids[g].EnvelopeInternal, g);
        }

        var rebuilt = new PolygonLocator(grids);
        var probes = new List<Coordinate>();
        foreach (var grid in grids.Take(400))
        {
            var ring = grid.Coordinates;
            for (var i = 0; i + 1 < ring.Length; i++)
            {
                probes.Add(ring[i]);

                // A midpoint is on the edge only if rounding happened to be exact; keep those.
                var mid = new Coordinate((ring[i].X + ring[i + 1].X) / 2, (ring[i].Y + ring[i + 1].Y) / 2);
                if (ExactOrientation.Sign(ring[i].X, ring[i].Y, ring[i + 1].X, ring[i + 1].Y, mid.X, mid.Y) == 0)
                {
                    probes.Add(mid);
                }
            }
        }

        int shared = 0, multiShared = 0;
        foreach (var probe in probes)
        {
            var point = GeoGeometry.Wgs84Factory.CreatePoint(probe);
            var covering = tree.Query(new Envelope(probe)).Where(g => grids[g].Covers(point)).ToList();
            var answer = demo.Locator.Locate(probe.X, probe.Y);
            Assert.Contains(answer, covering);
            Assert.Equal(answer, rebuilt.Locate(probe.X, probe.Y));
            shared += covering.Count > 1 ? 1 : 0;
            multiShared += covering.Count > 2 ? 1 : 0;
        }

        output.WriteLine($"{probes.Count} probes, {shared} on shared borders, {multiShared} shared by 3+ grids");
        Assert.True(shared > 1000);
        Assert.True(multiShared > 500);
    }

    [Fact]
    public void Outside_points_give_minus_one_and_NearestWithin_applies_the_tolerance()
    {
        // The easternmost vertex of the county, then 50 m due east of it: the nearest boundary
        // point is the vertex itself, so the distance is 50 m.
        var east = demo.County.Boundary.Coordinates.MaxBy(c => c.X)!;
        var scale = LocalScale.At(east.Y);
        var lon = east.X + scale.MetersToDegreesLongitude(50);
        Assert.Equal(-1, demo.Locator.Locate(lon, east.Y));

        var near = demo.Locator.NearestWithin(lon, east.Y, 100);
        Assert.NotNull(near);
        Assert.Equal(50, near.Value.DistanceMeters, 1e-6);
        Assert.True(demo.Grids[near.Value.Index].Covers(GeoGeometry.Wgs84Factory.CreatePoint(east)));
        Assert.Null(demo.Locator.NearestWithin(lon, east.Y, 49));

        var inside = demo.County.AtDepth(3).First();
        Assert.Equal((0, 0.0), demo.Locator.NearestWithin(inside.InteriorPoint, 10));

        Assert.Equal(-1, demo.Locator.Locate(0, 0));
        Assert.Null(demo.Locator.NearestWithin(0, 0, 1000));
        Assert.Equal(-1, demo.Locator.Locate(double.NaN, 30));
        Assert.Throws<ArgumentOutOfRangeException>(() => demo.Locator.NearestWithin(121, 30, -1));
    }

    [Fact]
    public void NearestWithin_agrees_with_a_brute_force_search()
    {
        var polygons = TestShapes.RandomPolygons(60, seed: 9);
        var locator = new PolygonLocator(polygons);
        var random = new Random(4);
        var checkedPoints = 0;
        for (var n = 0; n < 300; n++)
        {
            var lon = 121 + random.NextDouble();
            var lat = 30 + random.NextDouble();
            if (locator.Locate(lon, lat) >= 0)
            {
                continue;
            }

            var scale = LocalScale.At(lat);
            var best = (Index: -1, Distance: double.PositiveInfinity);
            for (var k = 0; k < polygons.Count; k++)
            {
                // Brute force in the same local metric: project the polygon around the point.
                var projected = GeoGeometry.Transform(polygons[k], p => new GeoPoint(
                    (p.Longitude - lon) * scale.MetersPerDegreeLongitude, (p.Latitude - lat) * scale.MetersPerDegreeLatitude));
                var d = projected.Distance(GeoGeometry.Wgs84Factory.CreatePoint(new Coordinate(0, 0)));
                if (d < best.Distance)
                {
                    best = (k, d);
                }
            }

            var found = locator.NearestWithin(lon, lat, 3000);
            if (best.Distance <= 3000)
            {
                Assert.NotNull(found);
                Assert.Equal(best.Distance, found.Value.DistanceMeters, 1e-6);
                Assert.Equal(best.Index, found.Value.Index);
                checkedPoints++;
            }
            else
            {
                Assert.Null(found);
            }
        }

        Assert.True(checkedPoints > 20);
    }

    [Fact]
    public void Lookups_do_not_allocate_and_are_safe_in_parallel()
    {
        var envelope = demo.County.Boundary.EnvelopeInternal;
        var random = new Random(1);
        var points = Enumerable.Range(0, 20_000)
            .Select(_ => (envelope.MinX + random.NextDouble() * envelope.Width, envelope.MinY + random.NextDouble() * envelope.Height))
            .ToArray();
        var expected = points.Select(p => demo.Locator.Locate(p.Item1, p.Item2)).ToArray();

        var before = GC.GetAllocatedBytesForCurrentThread();
        var sum = 0;
        foreach (var (lon, lat) in points)
        {
            sum += demo.Locator.Locate(lon, lat);
        }

        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(expected.Sum(), sum);

        var parallel = new int[points.Length];
        Parallel.For(0, points.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = demo.Locator.Locate(points[i].Item1, points[i].Item2));
        Assert.Equal(expected, parallel);
    }

    [Fact]
    public void Rejects_non_polygonal_input_and_handles_empty_input()
    {
        var line = GeoGeometry.Wgs84Factory.CreateLineString([new(0, 0), new(1, 1)]);
        Assert.Throws<ArgumentException>(() => new PolygonLocator([line]));
        Assert.Throws<ArgumentException>(() => new NaiveLocator([line]));

        var empty = new PolygonLocator([]);
        Assert.Equal(-1, empty.Locate(121, 30));
        Assert.Null(empty.NearestWithin(121, 30, 1000));
        Assert.Equal(-1, new PolygonLocator([GeoGeometry.Wgs84Factory.CreatePolygon()]).Locate(0, 0));
    }

    [Fact]
    public void Exact_orientation_is_right_where_floating_point_is_not()
    {
        // Kettner et al., "Classroom examples of robustness problems in geometric computations":
        // p = (0.5 + x·u, 0.5 + y·u), u = 2^-53, against the line through (12, 12) and (24, 24).
        // These coordinates are exact, and p is left of the line exactly when y > x.
        var u = Math.Pow(2, -53);
        var naiveWrong = 0;
        for (var x = 0; x < 64; x++)
        {
            for (var y = 0; y < 64; y++)
            {
                double px = 0.5 + x * u, py = 0.5 + y * u;
                var expected = Math.Sign(y - x);
                Assert.Equal(expected, ExactOrientation.Sign(12, 12, 24, 24, px, py));
                Assert.Equal(expected, ExactOrientation.Sign(24, 24, px, py, 12, 12)); // cyclic
                Assert.Equal(-expected, ExactOrientation.Sign(24, 24, 12, 12, px, py)); // reversed
                var floating = Math.Sign((12 - px) * (24 - py) - (12 - py) * (24 - px));
                naiveWrong += floating != expected ? 1 : 0;
            }
        }

        Assert.True(naiveWrong > 0, "the example should defeat plain floating point");
    }
}
