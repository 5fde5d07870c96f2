namespace Governance.Geography;

/// <summary>Nearest-point queries over points added one by one (a uniform bucket grid).</summary>
internal sealed class PointHash
{
    private readonly double x0;
    private readonly double y0;
    private readonly double inverseCell;
    private readonly double cell;
    private readonly int nx;
    private readonly int ny;
    private readonly List<int>?[] buckets;
    private readonly List<double> xs = [];
    private readonly List<double> ys = [];

    public PointHash(double minX, double minY, double maxX, double maxY, double cellSize)
    {
        cell = cellSize;
        inverseCell = 1.0 / cellSize;
        x0 = minX;
        y0 = minY;
        nx = Math.Max(1, (int)Math.Ceiling((maxX - minX) / cellSize) + 1);
        ny = Math.Max(1, (int)Math.Ceiling((maxY - minY) / cellSize) + 1);
        buckets = new List<int>?[nx * ny];
    }

    public int Count => xs.Count;

    public double X(int index) => xs[index];

    public double Y(int index) => ys[index];

    public int Add(double x, double y)
    {
        var index = xs.Count;
        xs.Add(x);
        ys.Add(y);
        var b = Bucket(Column(x), Row(y));
        (buckets[b] ??= []).Add(index);
        return index;
    }

    /// <summary>Nearest point (lowest index on ties), or −1 when empty.</summary>
    public int Nearest(double x, double y, out double distance)
    {
        distance = double.PositiveInfinity;
        var best = -1;
        if (xs.Count == 0)
        {
            return best;
        }

        var ci = Column(x);
        var cj = Row(y);
        var maxRing = Math.Max(nx, ny);
        for (var ring = 0; ring <= maxRing; ring++)
        {
            // Everything in this ring is at least (ring − 1) cells away.
            if (best >= 0 && (ring - 1) * cell > distance)
            {
                break;
            }

            for (var j = cj - ring; j <= cj + ring; j++)
            {
                if (j < 0 || j >= ny)
                {
                    continue;
                }

                var onEdgeRow = j == cj - ring || j == cj + ring;
                for (var i = ci - ring; i <= ci + ring; i += onEdgeRow ? 1 : 2 * ring)
                {
                    if (i >= 0 && i < nx && buckets[Bucket(i, j)] is { } list)
                    {
                        foreach (var p in list)
                        {
                            var dx = xs[p] - x;
                            var dy = ys[p] - y;
                            var d = Math.Sqrt(dx * dx + dy * dy);
                            if (d < distance || (d == distance && p < best))
                            {
                                distance = d;
                                best = p;
                            }
                        }
                    }

                    if (ring == 0)
                    {
                        break;
                    }
                }
            }
        }

        return best;
    }

    private int Column(double x) => Math.Clamp((int)Math.Floor((x - x0) * inverseCell), 0, nx - 1);

    private int Row(double y) => Math.Clamp((int)Math.Floor((y - y0) * inverseCell), 0, ny - 1);

    private int Bucket(int i, int j) => j * nx + i;
}

/// <summary>Distance from a point to a set of segments, searched only up to a radius.</summary>
internal sealed class SegmentIndex
{
    private readonly double x0;
    private readonly double y0;
    private readonly double inverseCell;
    private readonly int nx;
    private readonly int ny;
    private readonly List<int>?[] buckets;
    private readonly double[] segments; // x1, y1, x2, y2 per segment

    public SegmentIndex(IReadOnlyList<(double X1, double Y1, double X2, double Y2)> input, double cellSize)
    {
        segments = new double[input.Count * 4];
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var s = 0; s < input.Count; s++)
        {
            var (ax, ay, bx, by) = input[s];
            segments[4 * s] = ax;
            segments[4 * s + 1] = ay;
            segments[4 * s + 2] = bx;
            segments[4 * s + 3] = by;
            minX = Math.Min(minX, Math.Min(ax, bx));
            minY = Math.Min(minY, Math.Min(ay, by));
            maxX = Math.Max(maxX, Math.Max(ax, bx));
            maxY = Math.Max(maxY, Math.Max(ay, by));
        }

        x0 = minX;
        y0 = minY;
        inverseCell = 1.0 / cellSize;
        nx = Math.Max(1, (int)Math.Ceiling((maxX - minX) * inverseCell) + 1);
        ny = Math.Max(1, (int)Math.Ceiling((maxY - minY) * inverseCell) + 1);
        buckets = new List<int>?[nx * ny];
        for (var s = 0; s < input.Count; s++)
        {
            var (ax, ay, bx, by) = input[s];
            for (var j = Row(Math.Min(ay, by)); j <= Row(Math.Max(ay, by)); j++)
            {
                for (var i = Column(Math.Min(ax, bx)); i <= Column(Math.Max(ax, bx)); i++)
                {
                    (buckets[j * nx + i] ??= []).Add(s);
                }
            }
        }
    }

    /// <summary>The distance to the nearest segment, or <paramref name="radius"/> if none is closer.</summary>
    public double Distance(double x, double y, double radius)
    {
        var best = radius;
        var i0 = Column(x - radius);
        var i1 = Column(x + radius);
        var j0 = Row(y - radius);
        var j1 = Row(y + radius);
        for (var j = j0; j <= j1; j++)
        {
            for (var i = i0; i <= i1; i++)
            {
                if (buckets[j * nx + i] is not { } list)
                {
                    continue;
                }

                foreach (var s in list)
                {
                    var d = PointSegmentDistance(x, y, segments[4 * s], segments[4 * s + 1], segments[4 * s + 2], segments[4 * s + 3]);
                    if (d < best)
                    {
                        best = d;
                    }
                }
            }
        }

        return best;
    }

    internal static double PointSegmentDistance(double px, double py, double ax, double ay, double bx, double by)
    {
        var dx = bx - ax;
        var dy = by - ay;
        var lengthSquared = dx * dx + dy * dy;
        var t = lengthSquared > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / lengthSquared, 0.0, 1.0) : 0.0;
        var cx = ax + t * dx - px;
        var cy = ay + t * dy - py;
        return Math.Sqrt(cx * cx + cy * cy);
    }

    private int Column(double x) => Math.Clamp((int)Math.Floor((x - x0) * inverseCell), 0, nx - 1);

    private int Row(double y) => Math.Clamp((int)Math.Floor((y - y0) * inverseCell), 0, ny - 1);
}
