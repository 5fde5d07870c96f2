using System.Collections.Immutable;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Geography;

namespace Governance.Incidents.Worklists;

/// <summary>
/// Open incidents bucketed by category and a square cell of about <see cref="CellMetres"/>, so a new report checks
/// only the few cells its category's radius reaches instead of every open incident. Immutable: each update returns
/// a new index, and readers keep the one they started with.
/// </summary>
public sealed class DuplicateIndex
{
    /// <summary>About the street-nuisance radius: a typical query reads a 3 × 3 block of cells.</summary>
    public const double CellMetres = 100;

    private const double MetresPerDegreeLatitude = Geodesy.MeanEarthRadiusMeters * Math.PI / 180.0;

    private static readonly double CellDegrees = CellMetres / MetresPerDegreeLatitude;

    private readonly ImmutableDictionary<Cell, ImmutableDictionary<string, Incident>> _cells;

    private DuplicateIndex(ImmutableDictionary<Cell, ImmutableDictionary<string, Incident>> cells) => _cells = cells;

    public static DuplicateIndex Empty { get; } = new(ImmutableDictionary<Cell, ImmutableDictionary<string, Incident>>.Empty);

    /// <summary>How many incidents are indexed (open ones only).</summary>
    public int Count => _cells.Values.Sum(c => c.Count);

    /// <summary>The index after an incident changed: only open incidents can be duplicated.</summary>
    public DuplicateIndex With(Incident incident)
    {
        // The location never changes after the report, so the incident is always in the cell of its point.
        var cell = CellOf(incident.Category.Code, incident.Location.Longitude, incident.Location.Latitude);
        var members = _cells.GetValueOrDefault(cell, ImmutableDictionary<string, Incident>.Empty.WithComparers(StringComparer.Ordinal));
        if (incident.IsOpen)
        {
            return new DuplicateIndex(_cells.SetItem(cell, members.SetItem(incident.Id, incident)));
        }
        if (!members.ContainsKey(incident.Id))
        {
            return this;
        }
        var rest = members.Remove(incident.Id);
        return new DuplicateIndex(rest.IsEmpty ? _cells.Remove(cell) : _cells.SetItem(cell, rest));
    }

    /// <summary>
    /// The nearest open incident of the category within the policy's radius that was reported within its window
    /// before <paramref name="now"/>; null when the policy is off or nothing qualifies. <paramref name="excludeId"/>
    /// is the incident being reported, which a retry may find already indexed.
    /// </summary>
    public DuplicateCandidate? Find(string categoryCode, GeoPoint point, DuplicatePolicy policy, DateTimeOffset now, string? excludeId = null)
    {
        if (!policy.IsEnabled)
        {
            return null;
        }
        var since = now.AddMinutes(-policy.WindowMinutes);
        var radiusDegrees = policy.RadiusMetres / MetresPerDegreeLatitude;
        // Longitude cells shrink towards the poles; the widest reach is at the latitude nearest a pole the radius touches.
        var cos = Math.Cos(Math.Min(89.0, Math.Abs(point.Latitude) + radiusDegrees) * Math.PI / 180.0);
        var reachY = (int)Math.Ceiling(radiusDegrees / CellDegrees);
        var reachX = (int)Math.Ceiling(radiusDegrees / cos / CellDegrees);
        var centre = CellOf(categoryCode, point.Longitude, point.Latitude);
        DuplicateCandidate? best = null;
        for (var dx = -reachX; dx <= reachX; dx++)
        {
            for (var dy = -reachY; dy <= reachY; dy++)
            {
                if (!_cells.TryGetValue(centre with { X = centre.X + dx, Y = centre.Y + dy }, out var members))
                {
                    continue;
                }
                foreach (var incident in members.Values)
                {
                    if (incident.Id == excludeId || incident.ReportedAt < since || incident.ReportedAt > now)
                    {
                        continue;
                    }
                    var distance = Geodesy.DistanceMeters(point, new GeoPoint(incident.Location.Longitude, incident.Location.Latitude));
                    if (distance > policy.RadiusMetres)
                    {
                        continue;
                    }
                    if (best is null || distance < best.DistanceMetres
                        || (distance == best.DistanceMetres && string.CompareOrdinal(incident.Id, best.IncidentId) < 0))
                    {
                        best = new DuplicateCandidate(incident.Id, distance);
                    }
                }
            }
        }
        return best;
    }

    private static Cell CellOf(string category, double longitude, double latitude) =>
        new(category, (long)Math.Floor(longitude / CellDegrees), (long)Math.Floor(latitude / CellDegrees));

    private readonly record struct Cell(string Category, long X, long Y);
}
