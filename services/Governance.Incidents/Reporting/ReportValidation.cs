using Governance.Contracts.V1;
using Governance.Domain.Incidents;
using Governance.Grpc;
using Geo = Governance.Geography;

namespace Governance.Incidents.Reporting;

/// <summary>
/// Checks the shape of a request before anything else runs: presence, enum values, numeric ranges and formats.
/// Business limits (description length, photo count, how old a report may be) are the domain's to decide.
/// Every failure is INVALID_ARGUMENT naming the field, so a client developer can fix the call.
/// </summary>
internal static class ReportValidation
{
    public const int MaxIdLength = 64;

    public static void Validate(ReportIncidentRequest request)
    {
        RequireId(request.ClientReportId, "client_report_id");
        RequireId(request.ReporterId, "reporter_id");
        if (string.IsNullOrWhiteSpace(request.CategoryCode))
        {
            throw Invalid("category_code is required; call ListCategories for the valid codes.");
        }
        if (request.Channel == Channel.Unspecified || !Enum.IsDefined(request.Channel))
        {
            throw Invalid("channel is required: CHANNEL_APP, CHANNEL_HOTLINE_12345, CHANNEL_SENSOR or CHANNEL_CITIZEN.");
        }
        ValidateLocation(request.Location, "location");
        if (request.OccurredAt is { } occurred && (occurred.Nanos is < 0 or > 999_999_999 || occurred.Seconds is < -62135596800 or > 253402300799))
        {
            throw Invalid("occurred_at is not a valid timestamp.");
        }
        ValidatePhotos(request.Photos, "photos");
    }

    /// <summary>The wire checks of photo metadata; the domain checks the rest (count, types, sizes).</summary>
    public static void ValidatePhotos(IReadOnlyList<Contracts.V1.PhotoMetadata> photos, string field)
    {
        for (var i = 0; i < photos.Count; i++)
        {
            var photo = photos[i];
            if (string.IsNullOrWhiteSpace(photo.PhotoId) || photo.PhotoId.Length > 128)
            {
                throw Invalid($"{field}[{i}].photo_id is required (1..128 characters).");
            }
            if (photo.Sha256.Length != 64 || !photo.Sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            {
                throw Invalid($"{field}[{i}].sha256 must be 64 lowercase hex characters.");
            }
            if (photo.TakenAt is { Nanos: < 0 or > 999_999_999 })
            {
                throw Invalid($"{field}[{i}].taken_at is not a valid timestamp.");
            }
        }
    }

    /// <summary>Checked photo metadata as the domain takes it.</summary>
    public static Domain.Incidents.PhotoMetadata[] ToDomain(IReadOnlyList<Contracts.V1.PhotoMetadata> photos, string field)
    {
        ValidatePhotos(photos, field);
        return [.. photos.Select(ToDomain)];
    }

    public static Domain.Incidents.PhotoMetadata ToDomain(Contracts.V1.PhotoMetadata photo) =>
        new(photo.PhotoId, photo.Sha256, photo.ContentType, photo.SizeBytes, photo.TakenAt?.ToDateTimeOffset());

    /// <summary>Checks a location message and returns its point in WGS84.</summary>
    public static Geo.GeoPoint ValidateLocation(Location? location, string field)
    {
        if (location is null)
        {
            throw Invalid($"{field} is required.");
        }
        if (location.Point is null)
        {
            throw Invalid($"{field}.point is required.");
        }
        var system = ToGeographyCrs(location.CoordinateSystem)
            ?? throw Invalid($"{field}.coordinate_system is required: COORDINATE_SYSTEM_WGS84 for phone GPS, COORDINATE_SYSTEM_GCJ02 for points picked on AMap or Tencent maps.");
        var (lon, lat) = (location.Point.Longitude, location.Point.Latitude);
        if (!double.IsFinite(lon) || !double.IsFinite(lat))
        {
            throw Invalid($"{field}.point must be finite numbers (got longitude {lon}, latitude {lat}).");
        }
        if (lat is < -90 or > 90)
        {
            throw Invalid($"{field}.point.latitude {lat} is outside -90..90; are latitude and longitude swapped?");
        }
        if (lon is < -180 or > 180)
        {
            throw Invalid($"{field}.point.longitude {lon} is outside -180..180.");
        }
        if (!double.IsFinite(location.AccuracyMeters) || location.AccuracyMeters < 0)
        {
            throw Invalid($"{field}.accuracy_meters must be 0 (unknown) or a positive number of metres.");
        }
        return Geo.ChinaCoordinates.ToWgs84(new Geo.GeoPoint(lon, lat), system);
    }

    public static Geo.CoordinateSystem? ToGeographyCrs(Contracts.V1.CoordinateSystem system) => system switch
    {
        Contracts.V1.CoordinateSystem.Wgs84 => Geo.CoordinateSystem.Wgs84,
        Contracts.V1.CoordinateSystem.Gcj02 => Geo.CoordinateSystem.Gcj02,
        _ => null,
    };

    /// <summary>The frame to answer in: WGS84 unless GCJ-02 was asked for.</summary>
    public static Geo.CoordinateSystem OutputCrs(Contracts.V1.CoordinateSystem system) =>
        system == Contracts.V1.CoordinateSystem.Gcj02 ? Geo.CoordinateSystem.Gcj02 : Geo.CoordinateSystem.Wgs84;

    public static ReportChannel ToDomain(Channel channel) => channel switch
    {
        Channel.App => ReportChannel.App,
        Channel.Hotline12345 => ReportChannel.Hotline12345,
        Channel.Sensor => ReportChannel.Sensor,
        Channel.Citizen => ReportChannel.Citizen,
        _ => throw Invalid("channel is required."),
    };

    private static void RequireId(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw Invalid($"{field} is required.");
        }
        if (value.Length > MaxIdLength)
        {
            throw Invalid($"{field} is longer than {MaxIdLength} characters.");
        }
        if (value.Any(char.IsControl))
        {
            throw Invalid($"{field} must not contain control characters.");
        }
    }

    public static RpcException Invalid(string message) => new(StatusCode.InvalidArgument, message);
}
