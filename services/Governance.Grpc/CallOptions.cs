namespace Governance.Grpc;

/// <summary>
/// Per-call settings for <see cref="GrpcClient"/>. The deadline is sent as grpc-timeout and also enforced locally,
/// so a server that never answers still ends the call with DEADLINE_EXCEEDED.
/// </summary>
public readonly record struct CallOptions(
    DateTimeOffset? Deadline = null,
    IReadOnlyDictionary<string, string>? Headers = null,
    CancellationToken CancellationToken = default);
