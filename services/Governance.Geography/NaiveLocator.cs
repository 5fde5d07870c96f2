using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Index.Strtree;

namespace Governance.Geography;

/// <summary>
/// The straightforward locator: an STRtree of envelopes plus prepared-geometry Covers, lowest
/// index winning when several polygons cover the point (their shared borders). A baseline for
/// tests and benchmarks. Not thread-safe: prepared geometries build their indexes lazily.
/// </summary>
public sealed class NaiveLocator
{
    private readonly STRtree<int> tree = new();
    private readonly IPreparedGeometry[] prepared;

    public NaiveLocator(IReadOnlyList<Geometry> polygons)
    {
        ArgumentNullException.ThrowIfNull(polygons);
        prepared = new IPreparedGeometry[polygons.Count];
        for (var i = 0; i < polygons.Count; i++)
        {
            var geometry = polygons[i] ?? throw new ArgumentException($"Polygon {i} is null.", nameof(polygons));
            if (geometry is not (Polygon or MultiPolygon))
            {
                throw new ArgumentException($"Geometry {i} is a {geometry.GeometryType}; only Polygon and MultiPolygon can be located.", nameof(polygons));
            }

            prepared[i] = PreparedGeometryFactory.Prepare(geometry);
            if (!geometry.IsEmpty)
            {
                tree.Insert(geometry.EnvelopeInternal, i);
            }
        }

        tree.Build();
    }

    public int Locate(double lon, double lat)
    {
        var point = GeoGeometry.Wgs84Factory.CreatePoint(new Coordinate(lon, lat));
        var best = -1;
        foreach (var candidate in tree.Query(new Envelope(lon, lon, lat, lat)))
        {
            if ((best < 0 || candidate < best) && prepared[candidate].Covers(point))
            {
                best = candidate;
            }
        }

        return best;
    }
}
