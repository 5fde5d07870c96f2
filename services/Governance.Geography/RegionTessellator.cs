using NetTopologySuite.Geometries;

namespace Governance.Geography;

/// <summary>Target sizes of a generated county.</summary>
public sealed record TessellationOptions
{
    public int Townships { get; init; } = 20;

    public int MinVillagesPerTownship { get; init; } = 10;

    public int MaxVillagesPerTownship { get; init; } = 15;

    /// <summary>Total number of grids in the county (慈溪 has 1,724).</summary>
    public int Grids { get; init; } = 1724;

    public ulong Seed { get; init; } = 20240601;

    /// <summary>
    /// Output coordinates lie on a grid of 1/scale degrees. 1e10 (≈ 0.01 mm) keeps the
    /// snap-rounding displacement of the outline negligible (relative area change ≈ 1e-11)
    /// while still making the noding robust.
    /// </summary>
    public double PrecisionScale { get; init; } = RegionTessellator.DefaultPrecisionScale;
}

/// <summary>
/// One generated region: the county (root), a township, a village or a grid. Codes and names are
/// the caller's business; <see cref="Ordinal"/> is the position among its siblings (sorted north
/// to south, then west to east, by interior point).
/// </summary>
public sealed record GeneratedRegion(
    int Ordinal,
    Geometry Boundary,
    GeoPoint InteriorPoint,
    IReadOnlyList<GeneratedRegion> Children)
{
    /// <summary>All regions below this one at the given depth (1 = children).</summary>
    public IEnumerable<GeneratedRegion> AtDepth(int depth) =>
        depth <= 0 ? [this] : Children.SelectMany(c => c.AtDepth(depth - 1));
}

/// <summary>
/// Generates the administrative hierarchy of a county inside an outline: townships tile the
/// county, villages tile each township, grids tile each village, exactly (shared edges are
/// bit-identical; there are no gaps or overlaps).
/// <para>
/// The grids are made first, as one exact partition of the outline (see
/// <see cref="Partition(Geometry, int, ulong, double)"/>). Villages and townships are then unions
/// of whole grids, grown over the grid adjacency graph from well-spread seeds, so every parent is
/// by construction exactly the union of its children and each region is connected (except where
/// the land itself is not, e.g. an island).
/// </para>
/// </summary>
public static class RegionTessellator
{
    public const double DefaultPrecisionScale = 1e10;

    /// <summary>
    /// Cuts the outline into <paramref name="cellCount"/> cells (Polygon, or MultiPolygon when
    /// a cell includes an island) that tile it exactly. Deterministic for a given seed.
    /// </summary>
    public static IReadOnlyList<Geometry> Partition(Geometry outline, int cellCount, ulong seed, double precisionScale = DefaultPrecisionScale) =>
        PlanarPartition.Build(outline, cellCount, seed, precisionScale).CellGeometries();

    public static GeneratedRegion GenerateCounty(Geometry outline, TessellationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Townships < 1 || options.MinVillagesPerTownship < 1 || options.MaxVillagesPerTownship < options.MinVillagesPerTownship)
        {
            throw new ArgumentException("Township and village counts must be positive, with min ≤ max.", nameof(options));
        }

        if (options.Grids < options.Townships * options.MaxVillagesPerTownship)
        {
            throw new ArgumentException("There must be at least as many grids as townships × the largest village count.", nameof(options));
        }

        var partition = PlanarPartition.Build(outline, options.Grids, options.Seed, options.PrecisionScale);
        var graph = GridGraph.From(partition);
        var random = new DeterministicRandom(options.Seed ^ 0x5EED5EED5EED5EEDUL);

        var everyGrid = Enumerable.Range(0, graph.Count).ToArray();
        var townshipOf = graph.Cluster(everyGrid, options.Townships, random.Fork(2));
        var townships = new List<GeneratedRegion>();
        for (var t = 0; t < options.Townships; t++)
        {
            var townshipGrids = everyGrid.Where(g => townshipOf[g] == t).ToArray();
            var villageCount = Math.Min(
                random.NextInt(options.MinVillagesPerTownship, options.MaxVillagesPerTownship + 1),
                townshipGrids.Length);
            var villageOf = graph.Cluster(townshipGrids, villageCount, random.Fork(100 + (ulong)t));
            var villages = new List<GeneratedRegion>();
            for (var v = 0; v < villageCount; v++)
            {
                var grids = townshipGrids
                    .Where((_, k) => villageOf[k] == v)
                    .Select(g => Region(graph.Geometry[g], []))
                    .ToList();
                villages.Add(Region(partition.Union([.. grids.Select(g => g.Boundary)]), Ordered(grids)));
            }

            townships.Add(Region(partition.Union([.. villages.Select(v => v.Boundary)]), Ordered(villages)));
        }

        var county = partition.Union([.. townships.Select(t => t.Boundary)]);
        return Region(county, Ordered(townships));
    }

    private static GeneratedRegion Region(Geometry boundary, IReadOnlyList<GeneratedRegion> children) =>
        new(0, boundary, GeoGeometry.ToGeoPoint(boundary.InteriorPoint), children);

    private static List<GeneratedRegion> Ordered(List<GeneratedRegion> regions) =>
        [.. regions
            .OrderByDescending(r => r.InteriorPoint.Latitude)
            .ThenBy(r => r.InteriorPoint.Longitude)
            .Select((r, i) => r with { Ordinal = i })];
}

/// <summary>Grids as a weighted graph: neighbours share border; centroids in the isotropic plane.</summary>
internal sealed class GridGraph
{
    private GridGraph(Geometry[] geometry, double[] x, double[] y, double[] area, List<(int Other, double Length)>[] neighbours)
    {
        Geometry = geometry;
        X = x;
        Y = y;
        Area = area;
        Neighbours = neighbours;
    }

    public int Count => Geometry.Length;

    public Geometry[] Geometry { get; }

    public double[] X { get; }

    public double[] Y { get; }

    public double[] Area { get; }

    public List<(int Other, double Length)>[] Neighbours { get; }

    public static GridGraph From(PlanarPartition partition)
    {
        var geometry = partition.CellGeometries();
        var n = geometry.Length;
        var x = new double[n];
        var y = new double[n];
        var area = new double[n];
        for (var f = 0; f < partition.Faces.Length; f++)
        {
            var c = partition.FaceCell[f];
            var centroid = partition.Faces[f].Centroid;
            var a = partition.FaceArea[f];
            x[c] += centroid.X * partition.LonScale * a;
            y[c] += centroid.Y * a;
            area[c] += a;
        }

        var shared = new SortedDictionary<(int, int), double>();
        for (var f = 0; f < partition.Faces.Length; f++)
        {
            foreach (var (other, length) in partition.FaceNeighbours[f])
            {
                var a = partition.FaceCell[f];
                var b = partition.FaceCell[other];
                if (a < b)
                {
                    shared[(a, b)] = shared.GetValueOrDefault((a, b)) + length;
                }
            }
        }

        var neighbours = new List<(int Other, double Length)>[n];
        for (var c = 0; c < n; c++)
        {
            neighbours[c] = [];
            x[c] /= area[c];
            y[c] /= area[c];
        }

        foreach (var ((a, b), length) in shared)
        {
            neighbours[a].Add((b, length));
            neighbours[b].Add((a, length));
        }

        return new GridGraph(geometry, x, y, area, neighbours);
    }

    /// <summary>
    /// Splits <paramref name="members"/> into <paramref name="k"/> connected, compact clusters:
    /// farthest-point seeds, then a few rounds of "grow every cluster from its seed along the
    /// graph (nearest seed by path length wins), move each seed to its cluster's centre".
    /// Returns the cluster of each member, in the order of <paramref name="members"/>.
    /// </summary>
    public int[] Cluster(int[] members, int k, DeterministicRandom random)
    {
        var n = members.Length;
        if (k >= n)
        {
            return Enumerable.Range(0, n).ToArray();
        }

        var local = new Dictionary<int, int>();
        for (var i = 0; i < n; i++)
        {
            local[members[i]] = i;
        }

        // Seeds only go to pieces of land big enough to hold a whole cluster; a small island
        // would otherwise attract a seed (it is far from everything) and become a cluster of
        // its own. Small pieces join a neighbouring cluster in Grow instead.
        var eligible = EligibleForSeeds(members, local, k);
        var seeds = new List<int> { eligible[random.NextInt(0, eligible.Count)] };
        var nearestSeedDistance = new double[n];
        Array.Fill(nearestSeedDistance, double.PositiveInfinity);
        while (seeds.Count < k)
        {
            var last = seeds[^1];
            var best = -1;
            foreach (var i in eligible)
            {
                nearestSeedDistance[i] = Math.Min(nearestSeedDistance[i], Distance(members[i], members[last]));
                if (best < 0 || nearestSeedDistance[i] > nearestSeedDistance[best])
                {
                    best = i;
                }
            }

            seeds.Add(best);
        }

        var assignment = Grow(members, local, seeds);
        for (var round = 0; round < 8; round++)
        {
            var moved = false;
            for (var s = 0; s < k; s++)
            {
                double cx = 0, cy = 0, total = 0;
                for (var i = 0; i < n; i++)
                {
                    if (assignment[i] == s)
                    {
                        var g = members[i];
                        cx += X[g] * Area[g];
                        cy += Y[g] * Area[g];
                        total += Area[g];
                    }
                }

                cx /= total;
                cy /= total;
                var centre = seeds[s];
                var centreDistance = double.PositiveInfinity;
                for (var i = 0; i < n; i++)
                {
                    if (assignment[i] != s)
                    {
                        continue;
                    }

                    var g = members[i];
                    var d = Math.Sqrt((X[g] - cx) * (X[g] - cx) + (Y[g] - cy) * (Y[g] - cy));
                    if (d < centreDistance)
                    {
                        centreDistance = d;
                        centre = i;
                    }
                }

                if (centre != seeds[s])
                {
                    seeds[s] = centre;
                    moved = true;
                }
            }

            if (!moved)
            {
                break;
            }

            assignment = Grow(members, local, seeds);
        }

        return assignment;
    }

    private List<int> EligibleForSeeds(int[] members, Dictionary<int, int> local, int k)
    {
        var n = members.Length;
        var piece = new int[n];
        Array.Fill(piece, -1);
        var pieces = new List<List<int>>();
        for (var start = 0; start < n; start++)
        {
            if (piece[start] >= 0)
            {
                continue;
            }

            var current = new List<int> { start };
            piece[start] = pieces.Count;
            for (var p = 0; p < current.Count; p++)
            {
                foreach (var (otherGrid, _) in Neighbours[members[current[p]]])
                {
                    if (local.TryGetValue(otherGrid, out var j) && piece[j] < 0)
                    {
                        piece[j] = pieces.Count;
                        current.Add(j);
                    }
                }
            }

            pieces.Add(current);
        }

        var minimum = (double)n / k;
        var eligible = pieces.Where(p => p.Count >= minimum).SelectMany(p => p).Order().ToList();
        if (eligible.Count < k)
        {
            eligible = [.. Enumerable.Range(0, n)];
        }

        return eligible;
    }

    /// <summary>Multi-source Dijkstra over the grid graph restricted to the members.</summary>
    private int[] Grow(int[] members, Dictionary<int, int> local, List<int> seeds)
    {
        var n = members.Length;
        var assignment = new int[n];
        var distance = new double[n];
        Array.Fill(assignment, -1);
        Array.Fill(distance, double.PositiveInfinity);
        var queue = new PriorityQueue<int, (double Distance, int Index)>();
        for (var s = 0; s < seeds.Count; s++)
        {
            distance[seeds[s]] = 0;
            assignment[seeds[s]] = s;
            queue.Enqueue(seeds[s], (0, seeds[s]));
        }

        var done = new bool[n];
        while (queue.TryDequeue(out var i, out var priority))
        {
            if (done[i] || priority.Distance > distance[i])
            {
                continue;
            }

            done[i] = true;
            foreach (var (otherGrid, _) in Neighbours[members[i]])
            {
                if (!local.TryGetValue(otherGrid, out var j) || done[j])
                {
                    continue;
                }

                var d = distance[i] + Distance(members[i], otherGrid);
                if (d < distance[j] || (d == distance[j] && assignment[i] < assignment[j]))
                {
                    distance[j] = d;
                    assignment[j] = assignment[i];
                    queue.Enqueue(j, (d, j));
                }
            }
        }

        // Pieces the seeds cannot reach over land (islands) join, whole, the cluster of the
        // reached grid nearest to them.
        var reached = Enumerable.Range(0, n).Where(i => assignment[i] >= 0).ToArray();
        for (var start = 0; start < n; start++)
        {
            if (assignment[start] >= 0)
            {
                continue;
            }

            var piece = new List<int> { start };
            assignment[start] = int.MaxValue; // provisional mark while collecting the piece
            for (var p = 0; p < piece.Count; p++)
            {
                foreach (var (otherGrid, _) in Neighbours[members[piece[p]]])
                {
                    if (local.TryGetValue(otherGrid, out var j) && assignment[j] == -1)
                    {
                        assignment[j] = int.MaxValue;
                        piece.Add(j);
                    }
                }
            }

            var bestCluster = 0;
            var bestDistance = double.PositiveInfinity;
            foreach (var i in piece)
            {
                foreach (var r in reached)
                {
                    var d = Distance(members[i], members[r]);
                    if (d < bestDistance)
                    {
                        bestDistance = d;
                        bestCluster = assignment[r];
                    }
                }
            }

            foreach (var i in piece)
            {
                assignment[i] = bestCluster;
            }
        }

        return assignment;
    }

    private double Distance(int a, int b)
    {
        var dx = X[a] - X[b];
        var dy = Y[a] - Y[b];
        return Math.Sqrt(dx * dx + dy * dy);
    }
}
