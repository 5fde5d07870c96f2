using System.Collections.Immutable;
using Governance.Domain;
using Governance.Domain.Incidents;

namespace Governance.Incidents.Worklists;

/// <summary>An incident as the projection holds it, with the global position of its last event.</summary>
public sealed record ProjectedIncident(Incident Incident, long Position);

/// <summary>
/// Every incident folded from the log up to <see cref="Position"/>, indexed for lists and duplicate checks. Immutable:
/// a reader keeps a consistent snapshot however far the projection moves on meanwhile.
/// </summary>
public sealed class ProjectionState
{
    private ProjectionState(long position, ImmutableDictionary<string, ProjectedIncident> incidents, ImmutableSortedSet<ReportKey> byReport, DuplicateIndex duplicates)
    {
        Position = position;
        Incidents = incidents;
        ByReport = byReport;
        Duplicates = duplicates;
    }

    public static ProjectionState Empty { get; } = new(0, ImmutableDictionary<string, ProjectedIncident>.Empty.WithComparers(StringComparer.Ordinal),
        [], DuplicateIndex.Empty);

    /// <summary>The global log position this state reflects: every incident event at or before it is folded in.</summary>
    public long Position { get; }

    public ImmutableDictionary<string, ProjectedIncident> Incidents { get; }

    /// <summary>Every incident, newest report first.</summary>
    public ImmutableSortedSet<ReportKey> ByReport { get; }

    public DuplicateIndex Duplicates { get; }

    public Incident? Find(string incidentId) => Incidents.TryGetValue(incidentId, out var found) ? found.Incident : null;

    /// <summary>Folds one event of incident <paramref name="incidentId"/> recorded at <paramref name="position"/>.</summary>
    public ProjectionState Apply(long position, string incidentId, IIncidentEvent @event, out IncidentChange change)
    {
        if (position <= Position)
        {
            throw new InvalidOperationException($"Event at position {position} is not after the projection's position {Position}.");
        }
        var before = Find(incidentId);
        var after = IncidentDecider.Apply(before, @event);
        change = new IncidentChange(position, DomainEventTypes.NameOf(@event), before, after);
        return new ProjectionState(
            position,
            Incidents.SetItem(incidentId, new ProjectedIncident(after, position)),
            before is null ? ByReport.Add(ReportKey.Of(after)) : ByReport,
            Duplicates.With(after));
    }

    /// <summary>The same incidents at a later position: the log moved on with events of other kinds.</summary>
    public ProjectionState At(long position) =>
        position <= Position ? this : new ProjectionState(position, Incidents, ByReport, Duplicates);
}
