using System.Runtime.InteropServices;

namespace Governance.EventStore;

/// <summary>An event whose payload is already a byte[] the SQLite binder accepts, so the writer thread does no copying.</summary>
internal readonly record struct PreparedEvent(Guid EventId, string Type, byte[] Data, byte[] Metadata)
{
    public static PreparedEvent From(EventData e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.EventId == Guid.Empty)
        {
            throw new ArgumentException("An event needs a non-empty EventId.", nameof(e));
        }

        ArgumentException.ThrowIfNullOrEmpty(e.Type, nameof(e));
        return new PreparedEvent(e.EventId, e.Type, AsArray(e.Data), AsArray(e.Metadata));
    }

    // Reuses the caller's array when the memory is exactly a whole array: the common case for
    // serialised payloads, and it saves a copy of every event on the hot path.
    private static byte[] AsArray(ReadOnlyMemory<byte> memory)
    {
        if (memory.IsEmpty)
        {
            return [];
        }

        return MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
    }
}

/// <summary>
/// One append waiting for the writer. Cancellation only wins while the append is still queued:
/// once the writer has taken it, the caller learns the real outcome, so a cancelled task always
/// means "not written".
/// </summary>
internal sealed class PendingAppend
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Cancelled = 2;

    private readonly TaskCompletionSource<AppendResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _cancellation;
    private int _state;

    public PendingAppend(string streamId, string category, long expectedVersion, PreparedEvent[] events)
    {
        StreamId = streamId;
        Category = category;
        ExpectedVersion = expectedVersion;
        Events = events;
    }

    public string StreamId { get; }

    public string Category { get; }

    public long ExpectedVersion { get; }

    public PreparedEvent[] Events { get; }

    public Task<AppendResult> Task => _completion.Task;

    /// <summary>Set by the writer inside the transaction; handed to the caller only after the commit.</summary>
    public AppendResult? Result { get; set; }

    public Exception? Rejection { get; set; }

    public void RegisterCancellation(CancellationToken ct)
    {
        if (ct.CanBeCanceled)
        {
            _cancellation = ct.UnsafeRegister(static (state, token) => ((PendingAppend)state!).TryCancel(token), this);
        }
    }

    /// <summary>Claims the append for the writer; false when the caller cancelled it first.</summary>
    public bool TryTake()
    {
        if (Interlocked.CompareExchange(ref _state, Taken, Queued) != Queued)
        {
            return false;
        }

        _cancellation.Dispose();
        return true;
    }

    public void Complete()
    {
        if (Rejection is not null)
        {
            _completion.TrySetException(Rejection);
        }
        else
        {
            _completion.TrySetResult(Result!);
        }
    }

    public void Fail(Exception error) => _completion.TrySetException(error);

    private void TryCancel(CancellationToken token)
    {
        if (Interlocked.CompareExchange(ref _state, Cancelled, Queued) == Queued)
        {
            _completion.TrySetCanceled(token);
        }
    }
}
