using System.Runtime.CompilerServices;
using NetTopologySuite.Geometries;

namespace Governance.Geography;

/// <summary>
/// Finds the polygon containing a point, fast: a uniform grid over the bounding box where every
/// cell either lies wholly inside one polygon (answered without geometry) or lists the few
/// polygon edges that touch it, so a lookup tests a handful of edges from flat arrays.
/// <para>
/// Borders. A point belongs to the polygon whose interior contains the point nudged by an
/// infinitesimal (ε, δ), δ ≪ ε: a little to the east and much less to the north. This is the
/// half-open crossing-number rule made exact: for polygons that tile an area, every point of the
/// area (including every point on a shared edge or shared vertex) gets exactly one polygon, and
/// always the same one. Orientation tests are exact (<see cref="ExactOrientation"/>), so neighbours
/// never disagree through rounding. A point on the outer boundary of the union, where the nudge
/// leaves every polygon, goes to the lowest-index polygon whose boundary contains it, so
/// <see cref="Locate(double, double)"/> returns a polygon for exactly the points of the closed union.
/// If input polygons overlap, the lowest index among those containing the nudged point wins.
/// </para>
/// <para>
/// How a lookup stays inside one cell. For each cell we precompute, once, which polygons contain
/// its (nudged) bottom-right corner C. A lookup walks from the point P east to Q on the cell's
/// right side and then down to C, counting crossings of that path with the cell's edges per
/// polygon: membership at P is membership at C flipped once per crossing. The corner memberships
/// come from a sweep along each row of cells, which starts west of all polygons (outside all).
/// </para>
/// Immutable after construction: safe for any number of concurrent readers; lookups do not allocate.
/// </summary>
public sealed class PolygonLocator
{
    /// <summary>Default density: about one grid cell per polygon edge.</summary>
    public const double DefaultCellsPerEdge = 1.0;

    // 16M cells (≈ 128 MB of cell headers) is far beyond any county; it only guards against absurd input.
    private const int MaxCells = 1 << 24;

    private readonly int polygonCount;
    private readonly int nx;
    private readonly int ny;
    private readonly double minX;
    private readonly double maxX;
    private readonly double minY;
    private readonly double maxY;
    private readonly double invCellWidth;
    private readonly double invCellHeight;
    private readonly double[] xs;
    private readonly double[] ys;

    // cells[2c] = first group of cell c, cells[2c+1] = lowest polygon containing the whole cell
    // (or -1); cells[2c+2] ends the group range. Interleaved so one cache line serves a lookup.
    private readonly int[] cells;

    // groups[2g] = (polygon << 1) | (1 if the cell's corner C is inside it), groups[2g+1] = first
    // edge; groups[2g+3] ends the edge range. Groups of a cell are sorted by polygon index.
    private readonly int[] groups;

    // Copies of the edges touching each cell, grouped by cell then polygon: a lookup reads them
    // sequentially instead of chasing indexes.
    private readonly Edge[] edges;

    public PolygonLocator(IReadOnlyList<Geometry> polygons)
        : this(polygons, DefaultCellsPerEdge)
    {
    }

    /// <param name="polygons">Polygon or MultiPolygon geometries in lon/lat; the result of a lookup is an index into this list.</param>
    /// <param name="cellsPerEdge">Grid density; more cells mean fewer edges per cell and more memory.</param>
    public PolygonLocator(IReadOnlyList<Geometry> polygons, double cellsPerEdge)
        : this(polygons, cellsPerEdge, null)
    {
    }

    /// <summary>With <paramref name="gridSize"/>, the grid has exactly that many columns and rows (tests).</summary>
    internal PolygonLocator(IReadOnlyList<Geometry> polygons, double cellsPerEdge, (int Columns, int Rows)? gridSize)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        if (!(cellsPerEdge > 0 && cellsPerEdge <= 64))
        {
            throw new ArgumentOutOfRangeException(nameof(cellsPerEdge), cellsPerEdge, "Must be in (0, 64].");
        }

        if (polygons.Count >= 1 << 29)
        {
            throw new ArgumentException("Too many polygons.", nameof(polygons));
        }

        polygonCount = polygons.Count;
        var raw = CollectEdges(polygons);
        var edgeCount = raw.Count;

        if (edgeCount == 0)
        {
            // Nothing to find: a 1×1 grid whose only cell is empty and belongs to nobody.
            nx = ny = 1;
            minX = minY = 0;
            maxX = maxY = 0; // an empty extent: every lookup fails the range test
            invCellWidth = invCellHeight = 1;
            xs = [0, 0];
            ys = [0, 0];
            cells = [0, -1, 0];
            groups = [0, 0, 0, 0];
            edges = [];
            return;
        }

        // Grid extent: the bounding box with a margin, so every vertex lies strictly inside and
        // the row sweep can start at a point west of every polygon.
        double bx0 = double.MaxValue, by0 = double.MaxValue, bx1 = double.MinValue, by1 = double.MinValue;
        for (var e = 0; e < edgeCount; e++)
        {
            ref readonly var edge = ref raw.Edges[e];
            bx0 = Math.Min(bx0, Math.Min(edge.X1, edge.X2));
            bx1 = Math.Max(bx1, Math.Max(edge.X1, edge.X2));
            by0 = Math.Min(by0, edge.Y1);
            by1 = Math.Max(by1, edge.Y2);
        }

        var maxAbs = Math.Max(Math.Max(Math.Abs(bx0), Math.Abs(bx1)), Math.Max(Math.Abs(by0), Math.Abs(by1)));
        var pad = Math.Max(Math.Max(bx1 - bx0, by1 - by0) * 1e-6, 1e-9 * (1 + maxAbs));
        var originX = bx0 - pad;
        var originY = by0 - pad;
        var extentX = bx1 - bx0 + 2 * pad;
        var extentY = by1 - by0 + 2 * pad;

        var targetCells = Math.Clamp(edgeCount * cellsPerEdge, 1.0, MaxCells);
        var cellSize = Math.Sqrt(extentX * extentY / targetCells);
        nx = (int)Math.Clamp(Math.Ceiling(extentX / cellSize), 1, 1 << 16);
        ny = (int)Math.Clamp(Math.Ceiling(extentY / cellSize), 1, 1 << 16);
        while ((long)nx * ny > MaxCells)
        {
            nx = Math.Max(1, nx / 2);
            ny = Math.Max(1, ny / 2);
        }

        if (gridSize is var (columns, rows))
        {
            nx = columns;
            ny = rows;
        }

        var cellWidth = extentX / nx;
        var cellHeight = extentY / ny;
        invCellWidth = 1.0 / cellWidth;
        invCellHeight = 1.0 / cellHeight;
        xs = new double[nx + 1];
        ys = new double[ny + 1];
        for (var i = 0; i <= nx; i++)
        {
            xs[i] = originX + i * cellWidth;
        }

        for (var j = 0; j <= ny; j++)
        {
            ys[j] = originY + j * cellHeight;
        }

        minX = xs[0];
        maxX = xs[nx];
        minY = ys[0];
        maxY = ys[ny];

        var cellCount = nx * ny;
        var (cellStart, cellEdges) = AssignEdgesToCells(raw, cellCount, cellWidth, cellHeight, maxAbs);

        // Group each cell's edges by polygon (they are already in polygon order) and copy them.
        edges = new Edge[cellEdges.Length];
        var groupList = new List<int>(cellCount * 2);
        cells = new int[2 * cellCount + 1];
        for (var c = 0; c < cellCount; c++)
        {
            cells[2 * c] = groupList.Count / 2;
            cells[2 * c + 1] = -1;
            var previousPolygon = -1;
            for (var r = cellStart[c]; r < cellStart[c + 1]; r++)
            {
                var e = cellEdges[r];
                edges[r] = raw.Edges[e];
                var polygon = raw.Polygon[e];
                if (polygon != previousPolygon)
                {
                    groupList.Add(polygon << 1);
                    groupList.Add(r);
                    previousPolygon = polygon;
                }
            }
        }

        cells[2 * cellCount] = groupList.Count / 2;
        groupList.Add(0);
        groupList.Add(edges.Length);
        groups = [.. groupList];

        SweepCorners();
    }

    /// <summary>Number of polygons the locator was built from.</summary>
    public int PolygonCount => polygonCount;

    /// <summary>Number of grid cells (diagnostics).</summary>
    public int CellCount => nx * ny;

    /// <summary>Number of stored edge copies across all cells (diagnostics; memory ≈ 32 bytes each).</summary>
    public int EdgeReferenceCount => edges.Length;

    /// <summary>Cell sides along x (tests probe points exactly on them).</summary>
    internal IReadOnlyList<double> ColumnBoundaries => xs;

    /// <summary>Cell sides along y.</summary>
    internal IReadOnlyList<double> RowBoundaries => ys;

    public int Locate(GeoPoint point) => Locate(point.Longitude, point.Latitude);

    /// <summary>The index of the polygon containing the point, or −1. NaN gives −1.</summary>
    public int Locate(double lon, double lat)
    {
        if (!(lon >= minX && lon < maxX && lat >= minY && lat < maxY))
        {
            return -1;
        }

        var i = Math.Min((int)((lon - minX) * invCellWidth), nx - 1);
        var j = Math.Min((int)((lat - minY) * invCellHeight), ny - 1);

        // The multiplication can land one cell off near a boundary; the stored boundaries decide.
        var xsLocal = xs;
        while (lon < xsLocal[i])
        {
            i--;
        }

        while (lon >= xsLocal[i + 1])
        {
            i++;
        }

        var ysLocal = ys;
        while (lat < ysLocal[j])
        {
            j--;
        }

        while (lat >= ysLocal[j + 1])
        {
            j++;
        }

        var c = j * nx + i;
        var cellsLocal = cells;
        var g = cellsLocal[2 * c];
        var gEnd = cellsLocal[2 * c + 2];
        var best = cellsLocal[2 * c + 1];
        if (g == gEnd)
        {
            return best;
        }

        var xr = xsLocal[i + 1];
        var yb = ysLocal[j];
        var groupsLocal = groups;
        var edgesLocal = edges;
        for (; g < gEnd; g++)
        {
            var info = groupsLocal[2 * g];
            var polygon = info >> 1;

            // Groups are sorted by polygon index, so once past the whole-cell owner nothing can win.
            if ((uint)best < (uint)polygon)
            {
                break;
            }

            var inside = (info & 1) != 0;
            var eEnd = groupsLocal[2 * g + 3];
            for (var e = groupsLocal[2 * g + 1]; e < eEnd; e++)
            {
                inside ^= PathCrosses(in edgesLocal[e], lon, lat, xr, yb);
            }

            if (inside)
            {
                return polygon;
            }
        }

        return best >= 0 ? best : LocateOnOuterBoundary(c, lon, lat);
    }

    public (int Index, double DistanceMeters)? NearestWithin(GeoPoint point, double maxMeters) =>
        NearestWithin(point.Longitude, point.Latitude, maxMeters);

    /// <summary>
    /// The polygon containing the point (distance 0), else the polygon with the nearest boundary
    /// if it is within <paramref name="maxMeters"/> (ties: lowest index), else null. Distances use
    /// a local metric at the point's latitude, accurate to parts per million over kilometres.
    /// </summary>
    public (int Index, double DistanceMeters)? NearestWithin(double lon, double lat, double maxMeters)
    {
        GeoValidation.EnsureValid(lon, lat);
        if (!(maxMeters >= 0) || double.IsInfinity(maxMeters))
        {
            throw new ArgumentOutOfRangeException(nameof(maxMeters), maxMeters, "Must be a finite distance ≥ 0.");
        }

        var hit = Locate(lon, lat);
        if (hit >= 0)
        {
            return (hit, 0.0);
        }

        var scale = LocalScale.At(lat);
        var kx = scale.MetersPerDegreeLongitude;
        var ky = scale.MetersPerDegreeLatitude;
        var dLon = maxMeters / kx;
        var dLat = maxMeters / ky;
        if (lon + dLon < minX || lon - dLon > maxX || lat + dLat < minY || lat - dLat > maxY || edges.Length == 0)
        {
            return null;
        }

        var i0 = Column(lon - dLon);
        var i1 = Column(lon + dLon);
        var j0 = Row(lat - dLat);
        var j1 = Row(lat + dLat);
        var bestDistance = double.PositiveInfinity;
        var bestPolygon = -1;
        for (var j = j0; j <= j1; j++)
        {
            for (var i = i0; i <= i1; i++)
            {
                var c = j * nx + i;
                for (var g = cells[2 * c]; g < cells[2 * c + 2]; g++)
                {
                    var polygon = groups[2 * g] >> 1;
                    for (var e = groups[2 * g + 1]; e < groups[2 * g + 3]; e++)
                    {
                        ref readonly var edge = ref edges[e];
                        var d = SegmentDistance(
                            (edge.X1 - lon) * kx, (edge.Y1 - lat) * ky, (edge.X2 - lon) * kx, (edge.Y2 - lat) * ky);
                        if (d < bestDistance || (d == bestDistance && polygon < bestPolygon))
                        {
                            bestDistance = d;
                            bestPolygon = polygon;
                        }
                    }
                }
            }
        }

        return bestPolygon >= 0 && bestDistance <= maxMeters ? (bestPolygon, bestDistance) : null;
    }

    /// <summary>
    /// Whether an edge crosses the lookup path P* → Q* → C*, where * marks the (ε, δ) nudge,
    /// Q = (xr, py) on the cell's right side and C = (xr, yb) its bottom-right corner. Edges are
    /// stored with Y1 ≤ Y2. Every comparison is exact, so the answer is the same for both
    /// polygons sharing the edge.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool PathCrosses(in Edge e, double px, double py, double xr, double yb)
    {
        if (e.Y1 > py)
        {
            return false; // wholly above the path (both legs lie at or below py + δ)
        }

        var crosses = false;
        if (py < e.Y2)
        {
            // Horizontal leg at height py + δ: the edge spans it; count it if P* and Q* lie on
            // different sides. Upward edge: left = west. On the line, the nudge puts a point east.
            var leftP = ExactOrientation.Sign(e.X1, e.Y1, e.X2, e.Y2, px, py) > 0;
            bool leftQ;
            if (Math.Max(e.X1, e.X2) <= xr)
            {
                leftQ = false;
            }
            else if (xr < Math.Min(e.X1, e.X2))
            {
                leftQ = true;
            }
            else
            {
                leftQ = ExactOrientation.Sign(e.X1, e.Y1, e.X2, e.Y2, xr, py) > 0;
            }

            crosses = leftP != leftQ;
        }

        if (e.Y2 > yb)
        {
            // Vertical leg at x = xr + ε from py + δ down to yb + δ: the edge meets that line iff
            // its x-span, half-open on the east, contains xr.
            double lx, ly, rx, ry;
            if (e.X1 <= e.X2)
            {
                lx = e.X1;
                ly = e.Y1;
                rx = e.X2;
                ry = e.Y2;
            }
            else
            {
                lx = e.X2;
                ly = e.Y2;
                rx = e.X1;
                ry = e.Y1;
            }

            if (lx <= xr && xr < rx)
            {
                crosses ^= EdgeBelow(lx, ly, rx, ry, xr, py) != EdgeBelow(lx, ly, rx, ry, xr, yb);
            }
        }

        return crosses;
    }

    /// <summary>
    /// Whether the edge (l→r, l.x &lt; r.x) passes below the nudged point (x + ε, y + δ). When the
    /// point is exactly on the edge, the edge's height at x + ε is y + slope·ε, which is below
    /// y + δ exactly when the slope is not positive.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool EdgeBelow(double lx, double ly, double rx, double ry, double x, double y)
    {
        var side = ExactOrientation.Sign(lx, ly, rx, ry, x, y);
        return side > 0 || (side == 0 && ry <= ly);
    }

    /// <summary>The lowest-index polygon whose boundary passes exactly through the point, or −1.</summary>
    private int LocateOnOuterBoundary(int c, double px, double py)
    {
        for (var g = cells[2 * c]; g < cells[2 * c + 2]; g++)
        {
            for (var e = groups[2 * g + 1]; e < groups[2 * g + 3]; e++)
            {
                ref readonly var edge = ref edges[e];
                if (py >= edge.Y1 && py <= edge.Y2
                    && px >= Math.Min(edge.X1, edge.X2) && px <= Math.Max(edge.X1, edge.X2)
                    && ExactOrientation.Sign(edge.X1, edge.Y1, edge.X2, edge.Y2, px, py) == 0)
                {
                    return groups[2 * g] >> 1;
                }
            }
        }

        return -1;
    }

    /// <summary>
    /// Walks every row west to east along its bottom line (nudged up by δ), flipping polygon
    /// membership at each edge crossing, and stores for each cell which polygons contain its
    /// nudged bottom-right corner.
    /// </summary>
    private void SweepCorners()
    {
        var inside = new bool[polygonCount];
        var insideList = new List<int>();
        for (var j = 0; j < ny; j++)
        {
            // The row starts west of every vertex: outside all polygons.
            foreach (var polygon in insideList)
            {
                inside[polygon] = false;
            }

            insideList.Clear();
            var py = ys[j];
            for (var i = 0; i < nx; i++)
            {
                var c = j * nx + i;
                var px = xs[i];
                var xr = xs[i + 1];
                var g0 = cells[2 * c];
                var g1 = cells[2 * c + 2];
                for (var g = g0; g < g1; g++)
                {
                    var crossings = false;
                    for (var e = groups[2 * g + 1]; e < groups[2 * g + 3]; e++)
                    {
                        crossings ^= BottomLegCrosses(in edges[e], px, py, xr);
                    }

                    if (crossings)
                    {
                        var polygon = groups[2 * g] >> 1;
                        inside[polygon] = !inside[polygon];
                        if (inside[polygon])
                        {
                            insideList.Add(polygon);
                        }
                        else
                        {
                            insideList.Remove(polygon);
                        }
                    }
                }

                var owner = -1;
                foreach (var polygon in insideList)
                {
                    var hasEdges = false;
                    for (var g = g0; g < g1; g++)
                    {
                        if (groups[2 * g] >> 1 == polygon)
                        {
                            hasEdges = true;
                            break;
                        }
                    }

                    // A polygon containing the corner without an edge in the cell contains the whole cell.
                    if (!hasEdges && (owner < 0 || polygon < owner))
                    {
                        owner = polygon;
                    }
                }

                cells[2 * c + 1] = owner;
                for (var g = g0; g < g1; g++)
                {
                    var polygon = groups[2 * g] >> 1;
                    groups[2 * g] = (polygon << 1) | (inside[polygon] ? 1 : 0);
                }
            }
        }
    }

    /// <summary>The horizontal leg from (px, py)* to (xr, py)*: the same test as a lookup's first leg.</summary>
    private static bool BottomLegCrosses(in Edge e, double px, double py, double xr)
    {
        if (!(e.Y1 <= py && py < e.Y2))
        {
            return false;
        }

        var leftP = ExactOrientation.Sign(e.X1, e.Y1, e.X2, e.Y2, px, py) > 0;
        var leftQ = ExactOrientation.Sign(e.X1, e.Y1, e.X2, e.Y2, xr, py) > 0;
        return leftP != leftQ;
    }

    private int Column(double x) => Math.Clamp((int)Math.Floor((x - minX) * invCellWidth), 0, nx - 1);

    private int Row(double y) => Math.Clamp((int)Math.Floor((y - minY) * invCellHeight), 0, ny - 1);

    private static double SegmentDistance(double ax, double ay, double bx, double by)
    {
        // Distance from the origin (the query point) to segment a-b.
        var dx = bx - ax;
        var dy = by - ay;
        var lengthSquared = dx * dx + dy * dy;
        var t = lengthSquared > 0 ? Math.Clamp(-(ax * dx + ay * dy) / lengthSquared, 0.0, 1.0) : 0.0;
        var x = ax + t * dx;
        var y = ay + t * dy;
        return Math.Sqrt(x * x + y * y);
    }

    /// <summary>
    /// Lists, for every cell, the edges that may touch it (closed cell, with a margin far larger
    /// than any rounding), in edge order — which is polygon order. Including an extra edge never
    /// changes an answer (the tests are exact); missing one would, hence the margins.
    /// </summary>
    private (int[] CellStart, int[] CellEdges) AssignEdgesToCells(
        RawEdges raw, int cellCount, double cellWidth, double cellHeight, double maxAbs)
    {
        var slack = 1e-12 * (1 + maxAbs);
        var mx = cellWidth * 1e-7 + slack;
        var my = cellHeight * 1e-7 + slack;
        var counts = new int[cellCount + 1];
        var pairs = new List<long>(raw.Count * 3);
        for (var e = 0; e < raw.Count; e++)
        {
            ref readonly var edge = ref raw.Edges[e];
            var ex0 = Math.Min(edge.X1, edge.X2);
            var ex1 = Math.Max(edge.X1, edge.X2);
            var dy = edge.Y2 - edge.Y1;
            var slope = dy > 0 ? (edge.X2 - edge.X1) / dy : 0.0;

            // Interpolation error grows with the slope (dx/dy) of near-horizontal edges.
            var interpolationSlack = Math.Abs(slope) * slack + mx;
            var j0 = Row(edge.Y1 - my);
            var j1 = Row(edge.Y2 + my);
            for (var j = j0; j <= j1; j++)
            {
                var bandLo = Math.Max(ys[j] - my, edge.Y1);
                var bandHi = Math.Min(ys[j + 1] + my, edge.Y2);
                if (bandLo > bandHi)
                {
                    continue;
                }

                double lo, hi;
                if (dy > 0)
                {
                    var xa = edge.X1 + (bandLo - edge.Y1) * slope;
                    var xb = edge.X1 + (bandHi - edge.Y1) * slope;
                    lo = Math.Max(Math.Min(xa, xb) - interpolationSlack, ex0 - mx);
                    hi = Math.Min(Math.Max(xa, xb) + interpolationSlack, ex1 + mx);
                }
                else
                {
                    lo = ex0 - mx;
                    hi = ex1 + mx;
                }

                var i0 = Column(lo);
                var i1 = Column(hi);
                for (var i = i0; i <= i1; i++)
                {
                    var c = j * nx + i;
                    counts[c]++;
                    pairs.Add(((long)c << 32) | (uint)e);
                }
            }
        }

        // Counting sort by cell; stable, so each cell keeps edge (hence polygon) order.
        var start = new int[cellCount + 1];
        for (var c = 0; c < cellCount; c++)
        {
            start[c + 1] = start[c] + counts[c];
        }

        var next = (int[])start.Clone();
        var cellEdges = new int[pairs.Count];
        foreach (var pair in pairs)
        {
            var c = (int)(pair >> 32);
            cellEdges[next[c]++] = (int)(pair & 0xFFFFFFFF);
        }

        return (start, cellEdges);
    }

    private static RawEdges CollectEdges(IReadOnlyList<Geometry> polygons)
    {
        var raw = new RawEdges();
        for (var k = 0; k < polygons.Count; k++)
        {
            switch (polygons[k])
            {
                case Polygon polygon:
                    AddPolygon(raw, polygon, k);
                    break;
                case MultiPolygon multi:
                    foreach (var part in multi.Geometries)
                    {
                        AddPolygon(raw, (Polygon)part, k);
                    }

                    break;
                case null:
                    throw new ArgumentException($"Polygon {k} is null.", nameof(polygons));
                default:
                    throw new ArgumentException($"Geometry {k} is a {polygons[k].GeometryType}; only Polygon and MultiPolygon can be located.", nameof(polygons));
            }
        }

        return raw;
    }

    private static void AddPolygon(RawEdges raw, Polygon polygon, int index)
    {
        if (polygon.IsEmpty)
        {
            return;
        }

        AddRing(raw, polygon.ExteriorRing.CoordinateSequence, index);
        foreach (var hole in polygon.InteriorRings)
        {
            AddRing(raw, hole.CoordinateSequence, index);
        }
    }

    private static void AddRing(RawEdges raw, CoordinateSequence ring, int index)
    {
        for (var i = 0; i + 1 < ring.Count; i++)
        {
            double x1 = ring.GetX(i), y1 = ring.GetY(i), x2 = ring.GetX(i + 1), y2 = ring.GetY(i + 1);
            if (!(double.IsFinite(x1) && double.IsFinite(y1) && double.IsFinite(x2) && double.IsFinite(y2)))
            {
                throw new ArgumentException($"Polygon {index} has a non-finite coordinate.");
            }

            if (x1 == x2 && y1 == y2)
            {
                continue; // repeated vertex: not an edge
            }

            // Store every edge pointing north (ties: east) so that both polygons sharing an edge
            // hold bit-identical copies.
            raw.Add(y1 < y2 || (y1 == y2 && x1 <= x2) ? new Edge(x1, y1, x2, y2) : new Edge(x2, y2, x1, y1), index);
        }
    }

    private readonly record struct Edge(double X1, double Y1, double X2, double Y2);

    private sealed class RawEdges
    {
        public Edge[] Edges { get; private set; } = new Edge[1024];

        public int[] Polygon { get; private set; } = new int[1024];

        public int Count { get; private set; }

        public void Add(Edge edge, int polygon)
        {
            if (Count == Edges.Length)
            {
                var edgesCopy = Edges;
                var polygonCopy = Polygon;
                Array.Resize(ref edgesCopy, Count * 2);
                Array.Resize(ref polygonCopy, Count * 2);
                Edges = edgesCopy;
                Polygon = polygonCopy;
            }

            Edges[Count] = edge;
            Polygon[Count] = polygon;
            Count++;
        }
    }
}
