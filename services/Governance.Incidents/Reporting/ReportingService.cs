using System.Diagnostics;
using Governance.Contracts.V1;
using Actor = Governance.Domain.Actor;
using Incident = Governance.Domain.Incidents.Incident;
using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Routing;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Routing;
using Governance.Incidents.Storage;
using Governance.Incidents.Worklists;
using Geo = Governance.Geography;

namespace Governance.Incidents.Reporting;

/// <summary>
/// Turns a report into an incident stream: validate, route, decide, append. Commands to one incident run one at a
/// time in this process and decide on cached state; a write from elsewhere surfaces as a version conflict and the
/// command is decided again on fresh state, so nothing is lost or written twice.
/// </summary>
public sealed class ReportingService(
    DomainStreams streams,
    IncidentStore incidents,
    Router router,
    DuplicateFinder duplicates,
    WorkingCalendar calendar,
    TimeProvider clock)
{
    private const int MaxConflictRetries = 5;

    /// <summary>The governance.command tag of a report: the RPC's name, like the workflow commands'.</summary>
    private const string CommandName = "ReportIncident";

    // reporter is who reports, as the token says (subject = reporter_id, and the role it acts in); authorize checks it
    // may report at the routed place, before anything is written; client is the calling client for the audit trail
    // (x-client), the channel when it sent none.
    public async Task<(Incident Incident, bool Created)> ReportAsync(
        ReportIncidentRequest request, Actor reporter, string? client, string? peer, Action<RoutingOutcome>? authorize, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await ReportTracedAsync(request, reporter, client, peer, authorize, cancellationToken).ConfigureAwait(false);
            IncidentsTelemetry.RecordCommand(CommandName, started, result.Created ? "created" : "unchanged");
            return result;
        }
        catch (Exception e)
        {
            IncidentsTelemetry.RecordCommand(CommandName, started, e);
            throw;
        }
    }

    private async Task<(Incident Incident, bool Created)> ReportTracedAsync(
        ReportIncidentRequest request, Actor reporter, string? client, string? peer, Action<RoutingOutcome>? authorize, CancellationToken cancellationToken)
    {
        using var activity = IncidentsTelemetry.Source.StartActivity("report");
        ReportValidation.Validate(request);
        var wgs84 = ReportValidation.ValidateLocation(request.Location, "location");
        var incidentId = IncidentIds.For(request.ReporterId, request.ClientReportId);
        activity?.SetTag("governance.incident_id", incidentId);

        using (await incidents.Locks.AcquireAsync(incidentId, cancellationToken).ConfigureAwait(false))
        {
            // A retry answered from this process's cache costs no store round trip.
            if (incidents.TryGetCached(incidentId, out var cached))
            {
                return (EnsureSameReport(cached, request, wgs84), false);
            }

            IReadOnlyList<IIncidentEvent> events;
            try
            {
                events = IncidentDecider.Decide(null, await DecideAsync(request, reporter, incidentId, wgs84, authorize, cancellationToken).ConfigureAwait(false), calendar);
            }
            catch (Exception e) when (e is RpcException or DomainException)
            {
                // The registry may have changed since the first call (a category retired, a grid redrawn): a retry of a
                // report already stored is answered with what was stored, not refused.
                if (await TryLoadExistingAsync(incidentId, cancellationToken).ConfigureAwait(false) is { } stored)
                {
                    return (EnsureSameReport(stored, request, wgs84), false);
                }
                throw;
            }

            // A new report is appended straight away with "the stream must not exist": no read is spent on the common
            // case, and a retry (or a race with another replica) shows up as a conflict, answered from the stored stream.
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    await streams.AppendAsync(StreamNames.Incident(incidentId), ExpectedVersion.NoStream, events,
                        new EventMetadata(client ?? request.Channel.ToString(), peer, Activity.Current?.Id), cancellationToken).ConfigureAwait(false);
                    var incident = IncidentDecider.Fold(events)!;
                    incidents.Remember(incident);
                    IncidentsTelemetry.Reports.Add(1, new KeyValuePair<string, object?>("created", true));
                    return (incident, true);
                }
                catch (WrongExpectedVersionException) when (attempt < MaxConflictRetries)
                {
                    IncidentsTelemetry.Conflicts.Add(1);
                    if (await TryLoadExistingAsync(incidentId, cancellationToken).ConfigureAwait(false) is { } existing)
                    {
                        return (EnsureSameReport(existing, request, wgs84), false);
                    }
                }
            }
        }
    }

    private async Task<ReportIncident> DecideAsync(
        ReportIncidentRequest request, Actor reporter, string incidentId, Geo.GeoPoint wgs84, Action<RoutingOutcome>? authorize, CancellationToken cancellationToken)
    {
        var view = router.View;
        var category = view.Snapshot.FindCategory(request.CategoryCode)
            ?? throw new RpcException(StatusCode.NotFound, $"Category '{request.CategoryCode}' is not defined; call ListCategories for the valid codes.");
        var placement = router.Place(view, wgs84);
        if (placement.OutsideServiceArea)
        {
            throw ReportValidation.Invalid($"location: {placement.Reason}.");
        }
        var routing = Router.Outcome(view, placement, category.Code);
        authorize?.Invoke(routing);
        var now = clock.GetUtcNow();
        var duplicate = await duplicates.FindAsync(category, wgs84, incidentId, now, cancellationToken).ConfigureAwait(false);
        return new ReportIncident(
            incidentId,
            reporter,
            request.ClientReportId,
            ReportValidation.ToDomain(request.Channel),
            CategorySnapshot.From(category),
            request.Description,
            new GeoLocation(wgs84.Longitude, wgs84.Latitude, ToDomainCrs(request.Location.CoordinateSystem),
                request.Location.AccuracyMeters > 0 ? request.Location.AccuracyMeters : null),
            request.OccurredAt?.ToDateTimeOffset() ?? now,
            [.. request.Photos.Select(ReportValidation.ToDomain)],
            routing,
            now,
            duplicate);
    }

    private Task<Incident?> TryLoadExistingAsync(string incidentId, CancellationToken cancellationToken) =>
        incidents.LoadUnlockedAsync(incidentId, fresh: false, cancellationToken);

    /// <summary>
    /// A client report id names one report. A retry carries the same content; different content under the same id
    /// is a client bug (an id reused for a new report) and would otherwise be silently answered with another
    /// incident, so it is refused with ALREADY_EXISTS.
    /// </summary>
    private static Incident EnsureSameReport(Incident existing, ReportIncidentRequest request, Geo.GeoPoint wgs84)
    {
        var sameContent = existing.Category.Code == request.CategoryCode
            && existing.Description == request.Description.Trim()
            && Geo.Geodesy.DistanceMeters(new Geo.GeoPoint(existing.Location.Longitude, existing.Location.Latitude), wgs84) < 0.01;
        if (!sameContent)
        {
            throw new RpcException(StatusCode.AlreadyExists,
                $"client_report_id '{request.ClientReportId}' was already used by reporter '{request.ReporterId}' for a different report (incident {existing.Id}); make a new client_report_id for a new report.");
        }
        IncidentsTelemetry.Reports.Add(1, new KeyValuePair<string, object?>("created", false));
        return existing;
    }

    private static Domain.Incidents.CoordinateSystem ToDomainCrs(Contracts.V1.CoordinateSystem system) =>
        system == Contracts.V1.CoordinateSystem.Gcj02 ? Domain.Incidents.CoordinateSystem.Gcj02 : Domain.Incidents.CoordinateSystem.Wgs84;
}
