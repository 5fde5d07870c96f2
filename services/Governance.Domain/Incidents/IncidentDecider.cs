using Governance.Domain.Calendar;

namespace Governance.Domain.Incidents;

/// <summary>Decisions and fold of the incident stream (<c>incident-{id}</c>).</summary>
public static partial class IncidentDecider
{
    /// <summary>Enough for a detailed account; a longer text is a document and belongs in an attachment.</summary>
    public const int MaxDescriptionLength = 2000;

    /// <summary>The phone app's picker shows a 3 × 3 grid (九宫格), the common limit in Chinese apps.</summary>
    public const int MaxPhotos = 9;

    /// <summary>A full-resolution phone photo is 3–12 MB; a larger "photo" is a video or a scan.</summary>
    public const long MaxPhotoBytes = 20L * 1024 * 1024;

    /// <summary>Phone clocks drift and networks delay; five minutes of "future" is tolerated, more is a wrong clock.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A grid report is about what the worker sees now. Something that happened over 30 days ago is a complaint or a
    /// petition about the past, taken through the hotline or petition office, not a patrol report.
    /// </summary>
    public static readonly TimeSpan MaxReportAge = TimeSpan.FromDays(30);

    /// <summary>Formats phones and the hotline system produce; anything else cannot be shown to a dispatcher.</summary>
    public static readonly IReadOnlySet<string> PhotoContentTypes =
        new HashSet<string>(["image/jpeg", "image/png", "image/heic", "image/heif", "image/webp"], StringComparer.Ordinal);

    /// <summary>Recorded as the actor of registrations and dispatches made by the auto-dispatch rule.</summary>
    public static readonly Actor AutoDispatchRule = Actor.System("rule:auto-dispatch");

    /// <summary>Recorded as the actor of duplicate flags.</summary>
    public static readonly Actor DuplicateRule = Actor.System("rule:duplicate-detection");

    /// <summary>Recorded as the actor of deadline alarms.</summary>
    public static readonly Actor DeadlineScheduler = Actor.System("scheduler:deadlines");

    public static IReadOnlyList<IIncidentEvent> Decide(Incident? state, IIncidentCommand command, WorkingCalendar calendar) => command switch
    {
        ReportIncident c => Report(state, c, calendar),
        _ => DecideWorkflow(Existing(state, command), command, calendar),
    };

    public static Incident Apply(Incident? state, IIncidentEvent @event) => @event switch
    {
        IncidentReported e => new Incident
        {
            Id = e.IncidentId,
            State = IncidentState.Reported,
            Reporter = e.Reporter,
            ClientReportId = e.ClientReportId,
            Channel = e.Channel,
            Category = e.Category,
            Description = e.Description,
            Location = e.Location,
            OccurredAt = e.OccurredAt,
            ReportedAt = e.At,
            Photos = e.Photos,
            Routing = e.Routing,
            Version = 1,
            History = [new IncidentHistoryEntry(IncidentReported.EventType, e.At, e.Reporter, null)],
        },
        _ => ApplyWorkflow(state ?? throw new InvalidOperationException(
            $"The stream of incident {@event.IncidentId} does not start with {IncidentReported.EventType}."), @event),
    };

    public static Incident? Fold(IEnumerable<IIncidentEvent> events) => events.Aggregate((Incident?)null, (s, e) => Apply(s, e));

    /// <summary>
    /// Reports an incident. On a stream that exists already, the same reporter's same client report id is a retry:
    /// nothing new is written and the caller returns the stored incident. Anything else there is AlreadyExists.
    /// Otherwise the report is checked and <see cref="IncidentReported"/> recorded. When the category allows
    /// auto-dispatch, routing placed the point in (or near) a grid, and a rule (not a fallback) named the department,
    /// the incident is also registered and dispatched at once; otherwise it waits at the command center.
    /// </summary>
    private static IIncidentEvent[] Report(Incident? state, ReportIncident c, WorkingCalendar calendar)
    {
        if (state is not null)
        {
            if (state.Reporter.SubjectId == c.Reporter?.SubjectId && state.ClientReportId == c.ClientReportId)
                return [];
            throw DomainException.Exists(
                $"Incident {state.Id} already exists for another report (client report id {state.ClientReportId}); choose a new incident id.");
        }

        Require.Identifier(c.IncidentId, "Incident id");
        if (c.Reporter is null)
            throw DomainException.Invalid("The reporter is missing.");
        c.Reporter.Validate("Reporter");
        Require.Identifier(c.ClientReportId, "Client report id");
        Require.Defined(c.Channel, "Channel");
        var category = CheckCategory(c.Category);
        var description = CheckDescription(c.Description);
        CheckLocation(c.Location);
        CheckOccurredAt(c.OccurredAt, c.Now);
        var photos = CheckPhotos(c.Photos, c.Now);
        if (c.Routing is null)
            throw DomainException.Invalid("The routing outcome is missing; route the report before deciding on it.");
        c.Routing.Validate();

        var reported = new IncidentReported(c.IncidentId, c.Reporter, c.ClientReportId, c.Channel, category, description, c.Location,
            c.OccurredAt, photos, c.Routing, c.Now);

        // A likely duplicate waits for a person: dispatching it would send a department the same job twice.
        if (c.LikelyDuplicateOf is { } candidate)
        {
            Require.Identifier(candidate.IncidentId, "Duplicate candidate id");
            if (candidate.IncidentId == c.IncidentId)
                throw DomainException.Invalid("An incident cannot be a duplicate of itself.");
            return [reported, new IncidentFlaggedAsDuplicate(c.IncidentId, candidate.IncidentId, Math.Round(candidate.DistanceMetres, 1), DuplicateRule, c.Now)];
        }

        // A command office named by the fallback is a dispatcher, not a handler: "dispatching" to it would only hide
        // the incident from its worklist as if handled elsewhere, so those wait for a person to register them.
        if (!category.AutoDispatch || !c.Routing.HasGrid || c.Routing.Responsibility.IsFallback)
            return [reported];

        var registered = new IncidentRegistered(c.IncidentId, true,
            $"Auto-registered: category {category.Code} allows auto-dispatch and the report lies in grid {c.Routing.GridCode}.",
            AutoDispatchRule, c.Now);

        var signDeadline = calendar.AddWorkingTime(c.Now, category.SignLimit);
        var handleDeadline = calendar.AddWorkingTime(c.Now, category.HandleLimit);
        var dispatched = new IncidentDispatched(
            c.IncidentId,
            c.Routing.Responsibility.DepartmentCode,
            [],
            signDeadline,
            calendar.WarningTime(c.Now, signDeadline, category.SignLimit.Unit),
            handleDeadline,
            calendar.WarningTime(c.Now, handleDeadline, category.HandleLimit.Unit),
            true,
            c.Routing.Responsibility.Explanation,
            AutoDispatchRule,
            c.Now);
        return [reported, registered, dispatched];
    }

    private static CategorySnapshot CheckCategory(CategorySnapshot? category)
    {
        if (category is null)
            throw DomainException.Invalid("The category is missing; pass the category's current definition.");
        Require.Identifier(category.Code, "Category code");
        Require.Name(category.Name, "Category name");
        Require.Defined(category.Platform, "Platform");
        category.SignLimit.Validate($"Sign limit of {category.Code}");
        category.HandleLimit.Validate($"Handle limit of {category.Code}");
        return category;
    }

    private static string CheckDescription(string? description) =>
        Require.Text(description, MaxDescriptionLength, "The description is empty; say what is wrong and where.", "The description");

    private static void CheckLocation(GeoLocation? location)
    {
        if (location is null)
            throw DomainException.Invalid("The location is missing.");
        if (!double.IsFinite(location.Longitude) || location.Longitude is < -180 or > 180)
            throw DomainException.Invalid($"Longitude {location.Longitude} is out of range; expected -180 to 180 degrees.");
        if (!double.IsFinite(location.Latitude) || location.Latitude is < -90 or > 90)
            throw DomainException.Invalid($"Latitude {location.Latitude} is out of range; expected -90 to 90 degrees.");
        Require.Defined(location.ReportedIn, "Coordinate system");
        if (location.AccuracyMetres is { } accuracy && (!double.IsFinite(accuracy) || accuracy < 0))
            throw DomainException.Invalid($"Accuracy {accuracy} m is not a distance; leave it empty when unknown.");
    }

    private static void CheckOccurredAt(DateTimeOffset occurredAt, DateTimeOffset now)
    {
        if (occurredAt > now + MaxClockSkew)
            throw DomainException.Invalid(
                $"Occurred-at {occurredAt:O} is in the future (now {now:O}); check the device clock.");
        if (occurredAt < now - MaxReportAge)
            throw DomainException.Invalid(
                $"Occurred-at {occurredAt:O} is more than {MaxReportAge.TotalDays:0} days ago; report older matters through the 12345 hotline or the petition office.");
    }

    internal static PhotoMetadata[] CheckPhotos(IReadOnlyList<PhotoMetadata>? photos, DateTimeOffset now)
    {
        photos ??= [];
        if (photos.Count > MaxPhotos)
            throw DomainException.Invalid($"{photos.Count} photos attached; at most {MaxPhotos} are allowed.");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var checkedPhotos = new PhotoMetadata[photos.Count];
        for (var i = 0; i < photos.Count; i++)
        {
            var photo = photos[i] ?? throw DomainException.Invalid($"Photo {i + 1} is missing.");
            Require.Identifier(photo.PhotoId, $"Photo {i + 1} id");
            if (!ids.Add(photo.PhotoId))
                throw DomainException.Invalid($"Photo id {photo.PhotoId} appears twice.");
            if (photo.Sha256 is not { Length: 64 } || !photo.Sha256.All(char.IsAsciiHexDigit))
                throw DomainException.Invalid($"Photo {photo.PhotoId}: the SHA-256 must be 64 hexadecimal characters.");
            if (!PhotoContentTypes.Contains(photo.ContentType ?? ""))
                throw DomainException.Invalid(
                    $"Photo {photo.PhotoId}: content type '{photo.ContentType}' is not accepted; use one of {string.Join(", ", PhotoContentTypes)}.");
            if (photo.SizeBytes is < 1 or > MaxPhotoBytes)
                throw DomainException.Invalid($"Photo {photo.PhotoId}: size {photo.SizeBytes} bytes is out of range (1 byte to {MaxPhotoBytes / 1024 / 1024} MiB).");
            if (photo.TakenAt is { } taken && taken > now + MaxClockSkew)
                throw DomainException.Invalid($"Photo {photo.PhotoId} was taken at {taken:O}, in the future; check the device clock.");
            // Hashes compare as text later; one spelling avoids false mismatches.
            checkedPhotos[i] = photo with { Sha256 = photo.Sha256.ToLowerInvariant() };
        }
        return checkedPhotos;
    }
}
