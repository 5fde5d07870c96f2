namespace Governance.Cli;

/// <summary>A mistake in the command line that only the command itself can see (a bad address, an unknown feature).</summary>
public sealed class CliUsageException(string message) : Exception(message);

/// <summary>A command that cannot go on for a reason the operator must fix outside the command line (missing store, bad data).</summary>
public sealed class CliFailureException(string message) : Exception(message);

/// <summary>Nothing listens at the host address: the one failure an operator most often meets, so it gets its own advice.</summary>
public sealed class HostUnreachableException(Uri address, Exception innerException)
    : Exception($"no Governance host answers at {address.OriginalString}", innerException)
{
    public Uri Address { get; } = address;
}
