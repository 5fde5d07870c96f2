using NetTopologySuite.Geometries;
using NetTopologySuite.Noding;
using NetTopologySuite.Noding.Snapround;
using NetTopologySuite.Operation.OverlayNG;
using NetTopologySuite.Operation.Polygonize;
using NetTopologySuite.Operation.Valid;
using NetTopologySuite.Precision;
using NetTopologySuite.Triangulate;

namespace Governance.Geography;

/// <summary>
/// Cuts an outline into a given number of cells that tile it exactly. Sites are spread with
/// best-candidate sampling (blue noise, kept away from the border so border cells are not
/// slivers); their Voronoi edges and the outline are noded together ONCE with snap-rounding on
/// a fixed grid and polygonized. Because every face comes from that single noding, neighbouring
/// faces share bit-identical vertices and the faces partition the outline with no gaps or
/// overlaps. Each face goes to its nearest site; a cell whose faces fall apart (a piece of a
/// cell cut off by a bay) hands the detached pieces to the neighbour they share most border with.
/// </summary>
internal sealed class PlanarPartition
{
    private const int CandidatesPerSite = 12;

    private PlanarPartition(
        GeometryFactory factory,
        double lonScale,
        Polygon[] faces,
        int[] faceCell,
        double[] faceArea,
        List<(int Other, double Length)>[] faceNeighbours,
        int cellCount)
    {
        Factory = factory;
        LonScale = lonScale;
        Faces = faces;
        FaceCell = faceCell;
        FaceArea = faceArea;
        FaceNeighbours = faceNeighbours;
        CellCount = cellCount;
    }

    /// <summary>Factory carrying the fixed precision model every output coordinate lies on.</summary>
    public GeometryFactory Factory { get; }

    /// <summary>cos(latitude): degrees of longitude are multiplied by it to get a roughly isotropic plane.</summary>
    public double LonScale { get; }

    public Polygon[] Faces { get; }

    public int[] FaceCell { get; }

    /// <summary>Face areas in the isotropic plane (degrees² × cos φ), for weighting only.</summary>
    public double[] FaceArea { get; }

    public List<(int Other, double Length)>[] FaceNeighbours { get; }

    public int CellCount { get; }

    public static PlanarPartition Build(Geometry outline, int cellCount, ulong seed, double precisionScale)
    {
        ArgumentNullException.ThrowIfNull(outline);
        if (outline is not (Polygon or MultiPolygon) || outline.IsEmpty)
        {
            throw new ArgumentException("The outline must be a non-empty Polygon or MultiPolygon.", nameof(outline));
        }

        if (cellCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(cellCount), cellCount, "At least one cell is needed.");
        }

        if (!(precisionScale >= 1 && precisionScale <= 1e12))
        {
            throw new ArgumentOutOfRangeException(nameof(precisionScale), precisionScale, "Scale must be in [1, 1e12].");
        }

        var validity = new IsValidOp(outline);
        if (!validity.IsValid)
        {
            throw new ArgumentException($"The outline is not valid: {validity.ValidationError}.", nameof(outline));
        }

        var precision = new PrecisionModel(precisionScale);
        var factory = new GeometryFactory(precision, GeoGeometry.Wgs84Srid);
        var reduced = GeometryPrecisionReducer.Reduce(outline, precision);
        if (reduced.IsEmpty || reduced is not (Polygon or MultiPolygon))
        {
            throw new ArgumentException("The outline collapses at the working precision.", nameof(outline));
        }

        var envelope = reduced.EnvelopeInternal;
        var lonScale = Math.Cos(envelope.Centre.Y * Math.PI / 180.0);
        var scaled = GeoGeometry.Transform(reduced, p => new GeoPoint(p.Longitude * lonScale, p.Latitude));
        var random = new DeterministicRandom(seed);

        var sites = SampleSites(scaled, cellCount, random.Fork(1));
        var lines = NodedLinework(sites, scaled.EnvelopeInternal, lonScale, reduced, factory);

        var polygonizer = new Polygonizer();
        polygonizer.Add(lines);
        var allFaces = polygonizer.GetPolygons();

        var inOutline = new PolygonLocator([reduced]);
        var faces = new List<Polygon>();
        var faceCell = new List<int>();
        var faceArea = new List<double>();
        foreach (var face in allFaces)
        {
            var polygon = (Polygon)face;
            if (polygon.IsEmpty || polygon.Area <= 0)
            {
                continue;
            }

            var probe = polygon.InteriorPoint.Coordinate;
            if (inOutline.Locate(probe.X, probe.Y) < 0)
            {
                continue;
            }

            faces.Add(factory.CreatePolygon(
                factory.CreateLinearRing(polygon.Shell.Coordinates),
                [.. polygon.Holes.Select(h => factory.CreateLinearRing(h.Coordinates))]));
            faceCell.Add(sites.Nearest(probe.X * lonScale, probe.Y, out _));
            faceArea.Add(polygon.Area * lonScale);
        }

        var neighbours = FaceAdjacency(faces, lonScale);
        var cells = faceCell.ToArray();
        var areas = faceArea.ToArray();
        ReattachDetachedPieces(cells, areas, neighbours, sites.Count);
        var used = new bool[sites.Count];
        foreach (var c in cells)
        {
            used[c] = true;
        }

        // Renumber so cells are 0..n−1 in site order (a site that lost every face disappears).
        var renumber = new int[sites.Count];
        var next = 0;
        for (var s = 0; s < sites.Count; s++)
        {
            renumber[s] = used[s] ? next++ : -1;
        }

        for (var f = 0; f < cells.Length; f++)
        {
            cells[f] = renumber[cells[f]];
        }

        return new PlanarPartition(factory, lonScale, [.. faces], cells, areas, neighbours, next);
    }

    /// <summary>The union of each cell's faces; exact, since the faces share noded edges.</summary>
    public Geometry[] CellGeometries()
    {
        var members = new List<Polygon>[CellCount];
        for (var c = 0; c < CellCount; c++)
        {
            members[c] = [];
        }

        for (var f = 0; f < Faces.Length; f++)
        {
            members[FaceCell[f]].Add(Faces[f]);
        }

        var result = new Geometry[CellCount];
        for (var c = 0; c < CellCount; c++)
        {
            result[c] = Union(members[c]);
        }

        return result;
    }

    /// <summary>Union of polygons that form a coverage (share exact edges, never overlap).</summary>
    public Geometry Union(IReadOnlyList<Geometry> coverage)
    {
        if (coverage.Count == 1)
        {
            return coverage[0];
        }

        var union = CoverageUnion.Union(Factory.CreateGeometryCollection([.. coverage]));
        return Normalize(union);
    }

    private Geometry Normalize(Geometry geometry)
    {
        // CoverageUnion may hand back a MultiPolygon of one part or a collection; callers expect
        // Polygon for one part and MultiPolygon for several.
        var polygons = new List<Polygon>();
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            if (geometry.GetGeometryN(i) is Polygon { IsEmpty: false } p)
            {
                polygons.Add(p);
            }
        }

        return polygons.Count == 1 ? polygons[0] : Factory.CreateMultiPolygon([.. polygons]);
    }

    /// <summary>
    /// Best-candidate sampling: each new site is the best of a dozen random candidates, scored
    /// by its distance to the nearest site and to the border (counted double, so a site sits
    /// about half a spacing in from the border and its cell is not a sliver).
    /// </summary>
    private static PointHash SampleSites(Geometry scaledOutline, int count, DeterministicRandom random)
    {
        var envelope = scaledOutline.EnvelopeInternal;
        var spacing = Math.Sqrt(scaledOutline.Area / count);
        var locator = new PolygonLocator([scaledOutline]);
        var boundary = new List<(double, double, double, double)>();
        foreach (var ring in Rings(scaledOutline))
        {
            var seq = ring.CoordinateSequence;
            for (var i = 0; i + 1 < seq.Count; i++)
            {
                boundary.Add((seq.GetX(i), seq.GetY(i), seq.GetX(i + 1), seq.GetY(i + 1)));
            }
        }

        var border = new SegmentIndex(boundary, spacing);
        var sites = new PointHash(
            envelope.MinX - spacing, envelope.MinY - spacing, envelope.MaxX + spacing, envelope.MaxY + spacing, spacing);
        var cap = 4 * spacing;
        for (var n = 0; n < count; n++)
        {
            double bestScore = -1, bestX = 0, bestY = 0;
            for (var c = 0; c < CandidatesPerSite; c++)
            {
                double x, y;
                var attempts = 0;
                do
                {
                    if (++attempts > 100_000)
                    {
                        throw new InvalidOperationException("Could not sample a point inside the outline.");
                    }

                    x = random.NextDouble(envelope.MinX, envelope.MaxX);
                    y = random.NextDouble(envelope.MinY, envelope.MaxY);
                }
                while (locator.Locate(x, y) < 0);

                sites.Nearest(x, y, out var toSite);
                toSite = Math.Min(toSite, cap);
                if (toSite <= bestScore)
                {
                    continue;
                }

                var score = Math.Min(toSite, 2 * border.Distance(x, y, toSite / 2));
                if (score > bestScore)
                {
                    bestScore = score;
                    bestX = x;
                    bestY = y;
                }
            }

            sites.Add(bestX, bestY);
        }

        return sites;
    }

    /// <summary>
    /// The Voronoi edges (each once, unscaled back to degrees) and the outline rings, noded
    /// together by snap-rounding on the fixed grid; returns every distinct noded segment.
    /// </summary>
    private static List<Geometry> NodedLinework(
        PointHash sites, Envelope scaledEnvelope, double lonScale, Geometry reducedOutline, GeometryFactory factory)
    {
        var input = new List<ISegmentString>();
        if (sites.Count > 1)
        {
            var coordinates = new List<Coordinate>(sites.Count);
            for (var s = 0; s < sites.Count; s++)
            {
                coordinates.Add(new Coordinate(sites.X(s), sites.Y(s)));
            }

            var clip = new Envelope(scaledEnvelope);
            clip.ExpandBy(Math.Max(clip.Width, clip.Height) * 0.05);
            var builder = new VoronoiDiagramBuilder { ClipEnvelope = clip };
            builder.SetSites(coordinates);
            var diagram = builder.GetDiagram(new GeometryFactory());

            // Neighbouring cells list their common edge with identical vertices: keep it once.
            var seen = new HashSet<(double, double, double, double)>();
            for (var i = 0; i < diagram.NumGeometries; i++)
            {
                var ring = ((Polygon)diagram.GetGeometryN(i)).Shell.CoordinateSequence;
                for (var k = 0; k + 1 < ring.Count; k++)
                {
                    var a = new Coordinate(ring.GetX(k) / lonScale, ring.GetY(k));
                    var b = new Coordinate(ring.GetX(k + 1) / lonScale, ring.GetY(k + 1));
                    if (!a.Equals2D(b) && seen.Add(SegmentKey(a, b)))
                    {
                        input.Add(new NodedSegmentString([a, b], null));
                    }
                }
            }
        }

        foreach (var ring in Rings(reducedOutline))
        {
            input.Add(new NodedSegmentString(ring.Coordinates, null));
        }

        var noder = new SnapRoundingNoder(factory.PrecisionModel);
        noder.ComputeNodes(input);

        // Snapping can make two segments coincide or a segment collapse: the polygonizer needs
        // each segment exactly once.
        var unique = new HashSet<(double, double, double, double)>();
        var lines = new List<Geometry>();
        foreach (var noded in noder.GetNodedSubstrings())
        {
            var c = noded.Coordinates;
            for (var k = 0; k + 1 < c.Length; k++)
            {
                if (!c[k].Equals2D(c[k + 1]) && unique.Add(SegmentKey(c[k], c[k + 1])))
                {
                    lines.Add(factory.CreateLineString([c[k].Copy(), c[k + 1].Copy()]));
                }
            }
        }

        return lines;
    }

    private static (double, double, double, double) SegmentKey(Coordinate a, Coordinate b) =>
        a.X < b.X || (a.X == b.X && a.Y < b.Y) ? (a.X, a.Y, b.X, b.Y) : (b.X, b.Y, a.X, a.Y);

    private static IEnumerable<LineString> Rings(Geometry polygonal)
    {
        for (var i = 0; i < polygonal.NumGeometries; i++)
        {
            var polygon = (Polygon)polygonal.GetGeometryN(i);
            yield return polygon.Shell;
            foreach (var hole in polygon.Holes)
            {
                yield return hole;
            }
        }
    }

    /// <summary>Faces sharing a noded segment are neighbours; the length is in the isotropic plane.</summary>
    private static List<(int Other, double Length)>[] FaceAdjacency(List<Polygon> faces, double lonScale)
    {
        var firstOwner = new Dictionary<(double, double, double, double), int>();
        var shared = new Dictionary<(int, int), double>();
        for (var f = 0; f < faces.Count; f++)
        {
            foreach (var ring in Rings(faces[f]))
            {
                var seq = ring.CoordinateSequence;
                for (var i = 0; i + 1 < seq.Count; i++)
                {
                    double ax = seq.GetX(i), ay = seq.GetY(i), bx = seq.GetX(i + 1), by = seq.GetY(i + 1);
                    var key = ax < bx || (ax == bx && ay < by) ? (ax, ay, bx, by) : (bx, by, ax, ay);
                    if (firstOwner.Remove(key, out var other))
                    {
                        if (other != f)
                        {
                            var pair = other < f ? (other, f) : (f, other);
                            var dx = (bx - ax) * lonScale;
                            var dy = by - ay;
                            shared[pair] = shared.GetValueOrDefault(pair) + Math.Sqrt(dx * dx + dy * dy);
                        }
                    }
                    else
                    {
                        firstOwner[key] = f;
                    }
                }
            }
        }

        var result = new List<(int Other, double Length)>[faces.Count];
        for (var f = 0; f < faces.Count; f++)
        {
            result[f] = [];
        }

        foreach (var ((a, b), length) in shared.OrderBy(p => p.Key.Item1).ThenBy(p => p.Key.Item2))
        {
            result[a].Add((b, length));
            result[b].Add((a, length));
        }

        return result;
    }

    /// <summary>
    /// A cell must be one connected piece unless a piece touches no other cell at all (an
    /// island). Its largest piece stays; every other piece moves to the neighbouring cell it
    /// shares the longest border with. Repeats until nothing moves.
    /// </summary>
    private static void ReattachDetachedPieces(int[] faceCell, double[] faceArea, List<(int Other, double Length)>[] neighbours, int cellCount)
    {
        for (var round = 0; round < 20; round++)
        {
            var moved = false;
            var facesOf = new List<int>[cellCount];
            for (var f = 0; f < faceCell.Length; f++)
            {
                (facesOf[faceCell[f]] ??= []).Add(f);
            }

            var component = new int[faceCell.Length];
            Array.Fill(component, -1);
            for (var c = 0; c < cellCount; c++)
            {
                if (facesOf[c] is not { Count: > 1 } members)
                {
                    continue;
                }

                // Connected pieces of this cell.
                var pieces = new List<List<int>>();
                foreach (var start in members)
                {
                    if (component[start] >= 0)
                    {
                        continue;
                    }

                    var piece = new List<int> { start };
                    component[start] = pieces.Count;
                    for (var k = 0; k < piece.Count; k++)
                    {
                        foreach (var (other, _) in neighbours[piece[k]])
                        {
                            if (faceCell[other] == c && component[other] < 0)
                            {
                                component[other] = pieces.Count;
                                piece.Add(other);
                            }
                        }
                    }

                    pieces.Add(piece);
                }

                if (pieces.Count == 1)
                {
                    continue;
                }

                var largest = 0;
                for (var p = 1; p < pieces.Count; p++)
                {
                    if (pieces[p].Sum(f => faceArea[f]) > pieces[largest].Sum(f => faceArea[f]))
                    {
                        largest = p;
                    }
                }

                for (var p = 0; p < pieces.Count; p++)
                {
                    if (p == largest)
                    {
                        continue;
                    }

                    var borders = new SortedDictionary<int, double>();
                    foreach (var f in pieces[p])
                    {
                        foreach (var (other, length) in neighbours[f])
                        {
                            if (faceCell[other] != c)
                            {
                                borders[faceCell[other]] = borders.GetValueOrDefault(faceCell[other]) + length;
                            }
                        }
                    }

                    if (borders.Count == 0)
                    {
                        continue; // an island: it stays with its nearest site
                    }

                    var target = borders.MaxBy(b => b.Value).Key;
                    foreach (var f in pieces[p])
                    {
                        faceCell[f] = target;
                    }

                    moved = true;
                }
            }

            if (!moved)
            {
                return;
            }
        }
    }
}
