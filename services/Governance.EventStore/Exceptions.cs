namespace Governance.EventStore;

/// <summary>
/// The stream was not at the version the append expected. Nothing of the append was written;
/// reload the stream (at least up to <see cref="ActualVersion"/>), decide again, and retry.
/// </summary>
public sealed class WrongExpectedVersionException : Exception
{
    public WrongExpectedVersionException(string streamId, long expectedVersion, long actualVersion)
        : base(FormatMessage(streamId, expectedVersion, actualVersion))
    {
        StreamId = streamId;
        ExpectedVersion = expectedVersion;
        ActualVersion = actualVersion;
    }

    public string StreamId { get; }

    public long ExpectedVersion { get; }

    public long ActualVersion { get; }

    private static string FormatMessage(string streamId, long expected, long actual)
    {
        var wanted = expected == 0 ? "no stream (version 0)" : $"version {expected}";
        return $"Stream '{streamId}' is at version {actual}, but the append expected {wanted}.";
    }
}

/// <summary>
/// An event id of the append is already in the store (or repeats within the append).
/// Nothing of the append was written. Distinct from a version conflict because retrying
/// against fresh state will not help: the same event must not be written twice.
/// </summary>
public sealed class DuplicateEventIdException : Exception
{
    public DuplicateEventIdException(string streamId, Guid eventId)
        : base($"Event {eventId} (appending to stream '{streamId}') is already in the store.")
    {
        StreamId = streamId;
        EventId = eventId;
    }

    public string StreamId { get; }

    public Guid EventId { get; }
}
