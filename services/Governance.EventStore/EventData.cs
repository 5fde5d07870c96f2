namespace Governance.EventStore;

/// <summary>An event to append. <see cref="EventId"/> identifies it across the whole store.</summary>
public sealed record EventData(Guid EventId, string Type, ReadOnlyMemory<byte> Data, ReadOnlyMemory<byte> Metadata)
{
    public EventData(Guid eventId, string type, ReadOnlyMemory<byte> data)
        : this(eventId, type, data, ReadOnlyMemory<byte>.Empty)
    {
    }
}

/// <summary>
/// An event as stored. <see cref="Version"/> is its 1-based place in its stream;
/// <see cref="Position"/> is its 1-based place in the global log.
/// </summary>
public sealed record RecordedEvent(
    long Position,
    string StreamId,
    long Version,
    Guid EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    ReadOnlyMemory<byte> Metadata,
    DateTimeOffset RecordedAt);

/// <summary>The outcome of a successful append.</summary>
/// <param name="NextExpectedVersion">The stream's version after the append: pass it as the expected version of the next append.</param>
/// <param name="FirstPosition">Global position of the first appended event.</param>
/// <param name="LastPosition">Global position of the last appended event.</param>
public sealed record AppendResult(long NextExpectedVersion, long FirstPosition, long LastPosition);

/// <summary>
/// Special values for the expected version of an append. Any other value is the exact
/// version (event count) the stream must have for the append to succeed.
/// </summary>
public static class ExpectedVersion
{
    /// <summary>Append whatever the stream's version.</summary>
    public const long Any = -1;

    /// <summary>The stream must not exist yet (version 0).</summary>
    public const long NoStream = 0;
}
