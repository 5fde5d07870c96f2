using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Governance.Domain;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;

namespace Governance.Incidents.Storage;

/// <summary>
/// Domain events on the wire of the store: UTF-8 JSON, typed by the stable names of <see cref="DomainEventTypes"/>
/// (never a CLR type name), with source-generated serializers because every report passes through here.
/// </summary>
public static class EventSerializer
{
    // Chinese text is stored as UTF-8, not as \uXXXX escapes: the audit trail stays readable with any SQLite or
    // PostgreSQL client, and half the size. The store is not HTML, so escaping for HTML safety buys nothing.
    // An event type added to the domain but not yet to the generated context still serialises (by reflection)
    // rather than failing a command; a test insists every registered type is generated, so none stays slow.
    private static readonly JsonSerializerOptions Options = new(StoredEventJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(StoredEventJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    public static byte[] Serialize(IDomainEvent @event) =>
        JsonSerializer.SerializeToUtf8Bytes(@event, @event.GetType(), Options);

    public static IDomainEvent Deserialize(string type, ReadOnlySpan<byte> data)
    {
        if (!DomainEventTypes.TryGetType(type, out var clrType))
        {
            throw new InvalidDataException($"Stored event type '{type}' is not known to this version of the service.");
        }
        return (IDomainEvent)(JsonSerializer.Deserialize(data, clrType, Options)
            ?? throw new InvalidDataException($"Stored event of type '{type}' is empty."));
    }

    public static byte[] SerializeMetadata(EventMetadata metadata) =>
        JsonSerializer.SerializeToUtf8Bytes(metadata, Options);

    public static EventMetadata DeserializeMetadata(ReadOnlySpan<byte> data) =>
        data.IsEmpty ? EventMetadata.None : JsonSerializer.Deserialize<EventMetadata>(data, Options) ?? EventMetadata.None;
}

/// <summary>
/// What the store keeps beside each event for the audit trail and tracing: the client the command came from
/// (who and when are on the event itself) and the W3C traceparent of the call that caused it.
/// </summary>
public sealed record EventMetadata(string? Client, string? Peer, string? TraceParent)
{
    public static EventMetadata None { get; } = new(null, null, null);
}

[JsonSourceGenerationOptions(UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EventMetadata))]
[JsonSerializable(typeof(RegionDefined))]
[JsonSerializable(typeof(RegionUpdated))]
[JsonSerializable(typeof(RegionRetired))]
[JsonSerializable(typeof(GridDefined))]
[JsonSerializable(typeof(GridUpdated))]
[JsonSerializable(typeof(GridWorkersAssigned))]
[JsonSerializable(typeof(GridRetired))]
[JsonSerializable(typeof(DepartmentDefined))]
[JsonSerializable(typeof(DepartmentUpdated))]
[JsonSerializable(typeof(DepartmentRetired))]
[JsonSerializable(typeof(CategoryDefined))]
[JsonSerializable(typeof(CategoryUpdated))]
[JsonSerializable(typeof(CategoryRetired))]
[JsonSerializable(typeof(ResponsibilityRuleSet))]
[JsonSerializable(typeof(ResponsibilityRuleRemoved))]
[JsonSerializable(typeof(IncidentReported))]
[JsonSerializable(typeof(IncidentRegistered))]
[JsonSerializable(typeof(IncidentDispatched))]
[JsonSerializable(typeof(IncidentFlaggedAsDuplicate))]
[JsonSerializable(typeof(IncidentRejected))]
[JsonSerializable(typeof(IncidentMerged))]
[JsonSerializable(typeof(DuplicateMerged))]
[JsonSerializable(typeof(AssignmentSigned))]
[JsonSerializable(typeof(AssignmentReturned))]
[JsonSerializable(typeof(ProgressReported))]
[JsonSerializable(typeof(AssignmentHandled))]
[JsonSerializable(typeof(IncidentVerified))]
[JsonSerializable(typeof(ReworkRequired))]
[JsonSerializable(typeof(IncidentClosed))]
[JsonSerializable(typeof(IncidentReopened))]
[JsonSerializable(typeof(IncidentEscalated))]
[JsonSerializable(typeof(IncidentSupervised))]
[JsonSerializable(typeof(ExtensionRequested))]
[JsonSerializable(typeof(ExtensionApproved))]
[JsonSerializable(typeof(ExtensionRefused))]
[JsonSerializable(typeof(IncidentResolvedOnSpot))]
[JsonSerializable(typeof(DeadlineAlarmRaised))]
public sealed partial class StoredEventJsonContext : JsonSerializerContext;
