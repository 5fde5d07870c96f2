namespace Governance.Cli;

/// <summary>The process exit codes, distinct so a script can tell "fix the arguments" from "try again later".</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Anything else that failed: a gRPC status other than INVALID_ARGUMENT, a refused import, a data error.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong, or the server answered INVALID_ARGUMENT.</summary>
    public const int InvalidArgument = 2;

    /// <summary>No host answered at the address; a script may wait and retry.</summary>
    public const int HostUnreachable = 3;

    /// <summary>Interrupted (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
