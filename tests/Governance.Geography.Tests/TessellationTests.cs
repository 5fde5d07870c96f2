using System.Diagnostics;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;
using Xunit;
using Xunit.Abstractions;

namespace Governance.Geography.Tests;

public class TessellationTests(DemoCountyFixture demo, ITestOutputHelper output) : IClassFixture<DemoCountyFixture>
{
    private const double Relative = 1e-9;

    [Fact]
    public void Synthetic_outline_is_deterministic_irregular_and_about_1350_square_kilometres()
    {
        var outline = SyntheticCounty.Outline();
        Assert.True(outline.IsValid);
        var multi = Assert.IsType<MultiPolygon>(outline);
        Assert.Equal(2, multi.NumGeometries);
        var areaKm2 = Geodesy.AreaSquareMeters(outline) / 1e6;
        Assert.InRange(areaKm2, 1300, 1400);
        Assert.True(outline.NumPoints > 800, "a coastline-like border needs many vertices");
        var centre = outline.EnvelopeInternal.Centre;
        Assert.InRange(Geodesy.DistanceMeters(new GeoPoint(centre.X, centre.Y), SyntheticCounty.DefaultCentre), 0, 40_000);

        Assert.True(outline.EqualsExact(SyntheticCounty.Outline()));
        Assert.False(outline.EqualsExact(SyntheticCounty.Outline(seed: 2)));

        // Vertices sit on a 1e-7° grid.
        Assert.All(outline.Coordinates, c => Assert.Equal(c.X, Math.Round(c.X, 7)));

        var inland = SyntheticCounty.Outline(new GeoPoint(118.5, 33.9), 800, seed: 5, includeIsland: false);
        Assert.IsType<Polygon>(inland);
        Assert.InRange(Geodesy.AreaSquareMeters(inland) / 1e6, 790, 810);
    }

    [Fact]
    public void Demo_county_tiles_exactly_at_every_level()
    {
        var county = demo.County;
        Assert.Equal(20, county.Children.Count);
        Assert.All(county.Children, t => Assert.InRange(t.Children.Count, 10, 15));
        Assert.Equal(1724, county.AtDepth(3).Count());

        VerifyHierarchy(county, demo.Outline, "demo");
    }

    [Fact]
    public void Demo_county_generation_is_deterministic_for_a_seed()
    {
        var again = RegionTessellator.GenerateCounty(demo.Outline, new TessellationOptions());
        for (var depth = 0; depth <= 3; depth++)
        {
            var a = demo.County.AtDepth(depth).ToList();
            var b = again.AtDepth(depth).ToList();
            Assert.Equal(a.Count, b.Count);
            for (var i = 0; i < a.Count; i++)
            {
                Assert.Equal(a[i].Ordinal, b[i].Ordinal);
                Assert.Equal(a[i].InteriorPoint, b[i].InteriorPoint);
                Assert.Equal(GeometryWkb.ToWkb(a[i].Boundary), GeometryWkb.ToWkb(b[i].Boundary));
            }
        }

        var other = RegionTessellator.GenerateCounty(demo.Outline, new TessellationOptions { Seed = 99 });
        Assert.NotEqual(
            GeometryWkb.ToWkb(demo.County.AtDepth(3).First().Boundary),
            GeometryWkb.ToWkb(other.AtDepth(3).First().Boundary));
    }

    [Fact]
    public void Interior_points_lie_inside_their_regions()
    {
        for (var depth = 0; depth <= 3; depth++)
        {
            foreach (var region in demo.County.AtDepth(depth))
            {
                Assert.True(region.Boundary.Contains(GeoGeometry.CreatePoint(region.InteriorPoint)));
            }
        }
    }

    [SharedDataFact]
    public void Tiles_exactly_inside_the_real_Cixi_outline()
    {
        using var stream = File.OpenRead(SharedData.PathOf("boundaries", "330200_full.json"));
        var cixi = GeoJsonLayerReader.Read(stream, new GeoJsonLayerOptions
        {
            CodeProperty = "adcode",
            SourceCrs = CoordinateSystem.Gcj02,
        }).Single(f => f.Code == "330282");

        var options = new TessellationOptions { Seed = 330282 };
        var watch = Stopwatch.StartNew();
        var county = RegionTessellator.GenerateCounty(cixi.Geometry, options);
        output.WriteLine($"慈溪: generated in {watch.ElapsedMilliseconds} ms, outline parts {cixi.Geometry.NumGeometries}");

        Assert.Equal(20, county.Children.Count);
        Assert.All(county.Children, t => Assert.InRange(t.Children.Count, 10, 15));
        Assert.Equal(1724, county.AtDepth(3).Count());
        VerifyHierarchy(county, cixi.Geometry, "慈溪");
    }

    [Fact]
    public void Partition_of_a_square_tiles_it_exactly()
    {
        var square = GeoGeometry.Wgs84Factory.CreatePolygon([new(121, 30), new(121.1, 30), new(121.1, 30.1), new(121, 30.1), new(121, 30)]);
        var cells = RegionTessellator.Partition(square, 500, seed: 8);
        Assert.Equal(500, cells.Count);
        VerifyTiling(square, cells, "square");
        VerifySharedSegments(square, cells);
    }

    private void VerifyHierarchy(GeneratedRegion county, Geometry inputOutline, string label)
    {
        // The county is exactly the union of its grids; against the INPUT outline it may differ
        // only by the snap-rounding of the outline onto the 1e-10° grid.
        VerifyTiling(inputOutline, [.. county.Children.Select(c => c.Boundary)], $"{label} townships vs input outline");
        VerifyTiling(county.Boundary, [.. county.Children.Select(c => c.Boundary)], $"{label} townships");
        foreach (var township in county.Children)
        {
            VerifyTiling(township.Boundary, [.. township.Children.Select(c => c.Boundary)], $"{label} township {township.Ordinal}");
            foreach (var village in township.Children)
            {
                VerifyTiling(village.Boundary, [.. village.Children.Select(c => c.Boundary)], $"{label} village {township.Ordinal}/{village.Ordinal}");
            }
        }

        var grids = county.AtDepth(3).Select(g => g.Boundary).ToList();
        VerifyTiling(county.Boundary, grids, $"{label} grids");
        VerifySharedSegments(county.Boundary, grids);
    }

    /// <summary>
    /// Children tile the parent: all valid and polygonal, areas add up, their union is the
    /// parent, no two overlap (neighbours found with an STRtree), none sticks out.
    /// </summary>
    private void VerifyTiling(Geometry parent, IReadOnlyList<Geometry> children, string label)
    {
        var parentArea = parent.Area;
        var areaSum = 0.0;
        foreach (var child in children)
        {
            Assert.True(child is Polygon or MultiPolygon, $"{label}: {child.GeometryType}");
            Assert.False(child.IsEmpty, label);
            Assert.True(child.IsValid, $"{label}: invalid child");
            areaSum += child.Area;
        }

        Assert.True(Math.Abs(areaSum - parentArea) <= Relative * parentArea, $"{label}: area sum off by {Math.Abs(areaSum - parentArea) / parentArea:E2} relative");

        var union = OverlayNGRobust.Union(children);
        var symmetricDifference = OverlayNGRobust.Overlay(parent, union, SpatialFunction.SymDifference).Area;
        Assert.True(symmetricDifference <= Relative * parentArea, $"{label}: symmetric difference {symmetricDifference / parentArea:E2} relative");

        var tree = new STRtree<int>();
        for (var i = 0; i < children.Count; i++)
        {
            tree.Insert(children[i].EnvelopeInternal, i);
        }

        var overlap = 0.0;
        var pairs = 0;
        for (var i = 0; i < children.Count; i++)
        {
            foreach (var j in tree.Query(children[i].EnvelopeInternal))
            {
                if (j > i && children[i].Intersects(children[j]))
                {
                    overlap += OverlayNGRobust.Overlay(children[i], children[j], SpatialFunction.Intersection).Area;
                    pairs++;
                }
            }
        }

        Assert.True(overlap <= 1e-12 * parentArea, $"{label}: overlap {overlap / parentArea:E2} relative");
        if (children.Count > 1)
        {
            Assert.True(pairs >= children.Count - 1, $"{label}: children should touch their neighbours");
        }

        if (label.EndsWith("grids", StringComparison.Ordinal) || label.Contains("input", StringComparison.Ordinal))
        {
            output.WriteLine($"{label}: {children.Count} children, area sum {Math.Abs(areaSum - parentArea) / parentArea:E1}, sym. difference {symmetricDifference / parentArea:E1}, overlap {overlap / parentArea:E1}, {pairs} touching pairs");
        }
    }

    /// <summary>
    /// The topological form of "no gaps, no overlaps": every boundary segment of a cell is
    /// either shared, bit for bit, with exactly one other cell, or lies on the parent's boundary.
    /// </summary>
    private void VerifySharedSegments(Geometry parent, IReadOnlyList<Geometry> cells)
    {
        static (double, double, double, double) Key(Coordinate a, Coordinate b) =>
            a.X < b.X || (a.X == b.X && a.Y < b.Y) ? (a.X, a.Y, b.X, b.Y) : (b.X, b.Y, a.X, a.Y);

        var uses = new Dictionary<(double, double, double, double), int>();
        foreach (var cell in cells)
        {
            for (var p = 0; p < cell.NumGeometries; p++)
            {
                var polygon = (Polygon)cell.GetGeometryN(p);
                foreach (var ring in new[] { polygon.Shell }.Concat(polygon.Holes))
                {
                    var c = ring.Coordinates;
                    for (var i = 0; i + 1 < c.Length; i++)
                    {
                        var key = Key(c[i], c[i + 1]);
                        uses[key] = uses.GetValueOrDefault(key) + 1;
                    }
                }
            }
        }

        // Once-used segments must lie on the parent's boundary (which may be split into more,
        // collinear pieces than the parent's own vertices, hence a distance check).
        var parentBoundary = new NetTopologySuite.Operation.Distance.IndexedFacetDistance(parent.Boundary);
        var shared = 0;
        foreach (var (key, count) in uses)
        {
            var midpoint = GeoGeometry.Wgs84Factory.CreatePoint(new Coordinate((key.Item1 + key.Item3) / 2, (key.Item2 + key.Item4) / 2));
            if (count == 2)
            {
                shared++;
            }
            else
            {
                Assert.Equal(1, count);
                Assert.True(parentBoundary.Distance(midpoint) < 1e-9, "a segment used by one cell must be on the outer boundary");
            }
        }

        Assert.True(shared > 0);
    }
}
