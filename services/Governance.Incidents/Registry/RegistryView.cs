using Governance.Domain;
using Governance.Domain.Routing;
using Governance.Geography;
using NetTopologySuite.Geometries;

namespace Governance.Incidents.Registry;

/// <summary>
/// One consistent, immutable picture of the registry for routing: the domain's snapshot (codes, matrix) plus
/// the grids' geometry and the point locator over it. Replaced as a whole when the registry changes, so a
/// report is always routed against one version of both.
/// </summary>
public sealed class RegistryView
{
    private readonly Dictionary<string, int> _gridIndex;

    private RegistryView(RegistrySnapshot snapshot, string[] gridCodes, Geometry[] gridGeometries, GeoPoint[] interiorPoints, long position)
    {
        Snapshot = snapshot;
        GridCodes = gridCodes;
        GridGeometries = gridGeometries;
        InteriorPoints = interiorPoints;
        Position = position;
        Locator = new PolygonLocator(gridGeometries);
        _gridIndex = new Dictionary<string, int>(gridCodes.Length, StringComparer.Ordinal);
        for (var i = 0; i < gridCodes.Length; i++)
        {
            _gridIndex[gridCodes[i]] = i;
        }
    }

    public static RegistryView Empty { get; } = new(RegistrySnapshot.Empty, [], [], [], 0);

    public RegistrySnapshot Snapshot { get; }

    /// <summary>Active grids' codes in code order; index i matches <see cref="GridGeometries"/> and the locator's answers.</summary>
    public IReadOnlyList<string> GridCodes { get; }

    public IReadOnlyList<Geometry> GridGeometries { get; }

    public IReadOnlyList<GeoPoint> InteriorPoints { get; }

    public PolygonLocator Locator { get; }

    /// <summary>The global log position of the last registry event this view includes.</summary>
    public long Position { get; }

    public bool IsEmpty => GridCodes.Count == 0;

    public int IndexOfGrid(string code) => _gridIndex.TryGetValue(code, out var i) ? i : -1;

    /// <summary>Builds a view from registry events; the geometry is decoded and indexed only when the grids changed.</summary>
    public static RegistryView Build(RegistrySnapshot snapshot, long position, RegistryView? previous)
    {
        var grids = snapshot.Grids.Where(g => !g.IsRetired).OrderBy(g => g.Code, StringComparer.Ordinal).ToArray();
        if (previous is not null && SameGrids(previous, grids))
        {
            return new RegistryView(snapshot, (string[])previous.GridCodes, (Geometry[])previous.GridGeometries, (GeoPoint[])previous.InteriorPoints, position);
        }
        var geometries = new Geometry[grids.Length];
        var interior = new GeoPoint[grids.Length];
        for (var i = 0; i < grids.Length; i++)
        {
            geometries[i] = GeometryWkb.FromWkb(grids[i].BoundaryWkb);
            interior[i] = GeoGeometry.ToGeoPoint(geometries[i].InteriorPoint);
        }
        return new RegistryView(snapshot, [.. grids.Select(g => g.Code)], geometries, interior, position);
    }

    private static bool SameGrids(RegistryView previous, IReadOnlyList<Domain.Registry.Grid> grids)
    {
        if (previous.GridCodes.Count != grids.Count)
        {
            return false;
        }
        for (var i = 0; i < grids.Count; i++)
        {
            var before = previous.Snapshot.FindGrid(grids[i].Code);
            // Grid records are immutable: the same instance means no grid event touched it.
            if (!ReferenceEquals(before, grids[i]) && (before is null || !before.BoundaryWkb.AsSpan().SequenceEqual(grids[i].BoundaryWkb)))
            {
                return false;
            }
        }
        return true;
    }

    internal static IEnumerable<IDomainEvent> Sorted(IEnumerable<(long Position, IDomainEvent Event)> events) =>
        events.OrderBy(e => e.Position).Select(e => e.Event);
}
