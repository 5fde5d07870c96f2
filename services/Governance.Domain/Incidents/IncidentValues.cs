using Governance.Domain.Calendar;
using Governance.Domain.Registry;

namespace Governance.Domain.Incidents;

/// <summary>
/// Every state of an incident's life (DOMAIN.md). This issue reaches Reported, Registered and Dispatched; the others
/// are the workflow's, declared now so stored numbers never shift.
/// </summary>
public enum IncidentState
{
    /// <summary>上报: received, waiting at the command center.</summary>
    Reported = 1,

    /// <summary>立案: accepted as a case by the center or by an auto-registration rule.</summary>
    Registered = 2,

    /// <summary>不予立案: not a valid case.</summary>
    Rejected = 3,

    /// <summary>合并: folded into another open incident as a duplicate.</summary>
    Merged = 4,

    /// <summary>派遣: sent to a lead department and optional assisting departments.</summary>
    Dispatched = 5,

    /// <summary>签收: the department signed for its assignment.</summary>
    Accepted = 6,

    /// <summary>退回: the department said "not ours"; back at the center for re-dispatch.</summary>
    Returned = 7,

    /// <summary>处置完成: every assignment reported done.</summary>
    Handled = 8,

    /// <summary>核查通过: checked on site; ready to close.</summary>
    Verified = 9,

    /// <summary>返工: the check failed; back to the same department.</summary>
    Rework = 10,

    /// <summary>结案.</summary>
    Closed = 11,

    /// <summary>上报上级: a township could not solve it; the county center has it.</summary>
    Escalated = 12,

    /// <summary>现场处置: the grid worker fixed it while reporting; closed at grid level.</summary>
    ResolvedOnSpot = 13,
}

/// <summary>Where a report came from.</summary>
public enum ReportChannel
{
    /// <summary>A grid worker's phone app.</summary>
    App = 1,

    /// <summary>The 12345 government service hotline.</summary>
    Hotline12345 = 2,

    /// <summary>An IoT sensor (water level, smoke, manhole cover).</summary>
    Sensor = 3,

    /// <summary>A citizen's own report (mini-program, web).</summary>
    Citizen = 4,
}

/// <summary>The coordinate system a point arrived in; the domain always stores WGS84.</summary>
public enum CoordinateSystem
{
    /// <summary>GPS (and CGCS2000, which agrees with it to centimetres).</summary>
    Wgs84 = 1,

    /// <summary>The offset system of Chinese consumer maps (AMap, Tencent); converted to WGS84 before it gets here.</summary>
    Gcj02 = 2,
}

/// <summary>
/// Where the incident is: WGS84 longitude and latitude (already converted), the system the client sent, and the
/// device's accuracy in metres when it reported one (a hotline operator's pick has none).
/// </summary>
public sealed record GeoLocation(double Longitude, double Latitude, CoordinateSystem ReportedIn, double? AccuracyMetres);

/// <summary>Metadata of a photo stored elsewhere (object storage); the hash lets anyone check the bytes later.</summary>
public sealed record PhotoMetadata(string PhotoId, string Sha256, string ContentType, long SizeBytes, DateTimeOffset? TakenAt);

/// <summary>
/// The category as it was when the incident was reported. Kept on the incident so later edits to the category
/// never change the limits of incidents already under way.
/// </summary>
public sealed record CategorySnapshot(
    string Code,
    string Name,
    Platform Platform,
    TimeLimit SignLimit,
    TimeLimit HandleLimit,
    bool AutoDispatch,
    bool RequiresAfterPhoto)
{
    public static CategorySnapshot From(Category category) =>
        new(category.Code, category.Name, category.Platform, category.SignLimit, category.HandleLimit, category.AutoDispatch, category.RequiresAfterPhoto);
}

/// <summary>One line of an incident's compact history, for GetIncident (the full audit trail is the stream itself).</summary>
public sealed record IncidentHistoryEntry(string EventType, DateTimeOffset At, Actor By, string? Note);
