using Governance.Contracts.V1;

namespace Governance.Analytics.Projection;

/// <summary>
/// The projected incidents as of one log position. Readers never change the facts they are handed: a new position
/// brings a new snapshot. The projection's snapshots hold an <see cref="Rates.IncidentTable"/>, which the rate
/// engine reads without converting anything.
/// </summary>
public sealed record AnalyticsSnapshot(long Position, IReadOnlyCollection<IncidentFacts> Incidents)
{
    public static readonly AnalyticsSnapshot Empty = new(0, []);
}

/// <summary>What the query side reads: the current snapshot, and a way to wait for the next.</summary>
public interface IAnalyticsView
{
    AnalyticsSnapshot Current { get; }

    /// <summary>Completes once <see cref="Current"/> is past <paramref name="position"/>.</summary>
    Task WaitForPositionAfterAsync(long position, CancellationToken cancellationToken);

    /// <summary>
    /// Completes once <see cref="Current"/> is another snapshot than <paramref name="seen"/>. Not the same as waiting
    /// for a later position: an event delivered after a later one (another incident's, in another commit) changes
    /// the incidents and leaves the position where it was.
    /// </summary>
    Task WaitForChangeAsync(AnalyticsSnapshot seen, CancellationToken cancellationToken);
}
