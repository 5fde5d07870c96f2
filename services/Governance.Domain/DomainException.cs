namespace Governance.Domain;

/// <summary>What kind of refusal a domain error is; the transport maps each to a gRPC status.</summary>
public enum DomainErrorKind
{
    /// <summary>The request itself is malformed (INVALID_ARGUMENT).</summary>
    InvalidArgument = 1,

    /// <summary>Something the request names does not exist (NOT_FOUND).</summary>
    NotFound = 2,

    /// <summary>The request is well formed but the current state does not allow it (FAILED_PRECONDITION).</summary>
    FailedPrecondition = 3,

    /// <summary>The thing to create exists already (ALREADY_EXISTS).</summary>
    AlreadyExists = 4,

    /// <summary>A concurrent change got there first (ABORTED).</summary>
    Conflict = 5,
}

/// <summary>
/// A command refused by a domain rule. The message is meant for a person: it says what was wrong and what to do.
/// Deciders throw it before producing any event, so a refused command never leaves half a change behind.
/// </summary>
public sealed class DomainException(DomainErrorKind kind, string message) : Exception(message)
{
    public DomainErrorKind Kind { get; } = kind;

    internal static DomainException Invalid(string message) => new(DomainErrorKind.InvalidArgument, message);

    internal static DomainException NotFound(string message) => new(DomainErrorKind.NotFound, message);

    internal static DomainException Precondition(string message) => new(DomainErrorKind.FailedPrecondition, message);

    internal static DomainException Exists(string message) => new(DomainErrorKind.AlreadyExists, message);
}
