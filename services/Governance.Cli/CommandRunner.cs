using System.CommandLine;
using Governance.Domain;
using Governance.Geography;
using Governance.Grpc;

namespace Governance.Cli;

/// <summary>
/// Runs a command's body and turns every expected failure into one "error: ..." line on stderr and an exit code,
/// so an operator never sees a stack trace for a wrong argument, a refused call or a host that is not running.
/// </summary>
internal static class CommandRunner
{
    /// <summary>The trailer an ABORTED workflow call carries: the incident's version now (workflow.proto).</summary>
    private const string CurrentVersionTrailer = "current-version";

    public const string StartHostHint = "start it with dotnet run --project services/Governance.Standalone";

    public static async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken, Func<CommandOutput, Task<int>> body)
    {
        var configuration = parseResult.InvocationConfiguration;
        var output = new CommandOutput(configuration.Output, configuration.Error);
        try
        {
            return await body(output).ConfigureAwait(false);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C surfaces as whatever the interrupted call threw (a CANCELLED status, a cancelled task); it is one thing to the operator.
            output.Error("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (HostUnreachableException e)
        {
            output.Error($"{e.Message}; {StartHostHint}");
            return ExitCodes.HostUnreachable;
        }
        catch (RpcException e)
        {
            output.Error($"{StatusNames.Of(e.StatusCode)}: {e.Detail}");
            // A stale --expect-version: the server's message speaks of expected_version; say it in this tool's words.
            if (e.StatusCode == StatusCode.Aborted && e.Trailers.TryGetValue(CurrentVersionTrailer, out var current))
            {
                output.Note($"current version: {current}. Look at what changed ('governance incident ID'), then retry with --expect-version {current}.");
            }
            return e.StatusCode == StatusCode.InvalidArgument ? ExitCodes.InvalidArgument : ExitCodes.Failure;
        }
        catch (CliUsageException e)
        {
            output.Error(e.Message);
            return ExitCodes.InvalidArgument;
        }
        catch (DomainException e)
        {
            output.Error(e.Message);
            return e.Kind == DomainErrorKind.InvalidArgument ? ExitCodes.InvalidArgument : ExitCodes.Failure;
        }
        catch (Exception e) when (e is CliFailureException or GeoJsonLayerException or IOException or UnauthorizedAccessException)
        {
            output.Error(e.Message);
            return ExitCodes.Failure;
        }
    }
}

/// <summary>Where a command writes: results on stdout, errors and progress notes on stderr.</summary>
internal sealed class CommandOutput(TextWriter stdout, TextWriter stderr)
{
    public TextWriter Out { get; } = stdout;

    public void Line(string text = "") => Out.WriteLine(text);

    public void Error(string message) => stderr.WriteLine("error: " + message);

    public void Note(string message) => stderr.WriteLine(message);
}

/// <summary>gRPC status names as the spec spells them (INVALID_ARGUMENT), which is what operators search for.</summary>
internal static class StatusNames
{
    public static string Of(StatusCode code) => code switch
    {
        StatusCode.OK => "OK",
        _ => Names.UpperSnake(code.ToString()),
    };
}
