using System.CommandLine;
using System.Text;

namespace Governance.Cli;

public static class Program
{
    public static Task<int> Main(string[] args)
    {
        // Chinese names must reach the terminal intact whatever the platform's default code page is.
        Console.OutputEncoding = Encoding.UTF8;
        return RunAsync(args, Console.Out, Console.Error);
    }

    /// <summary>
    /// Runs one command line with its output going to the given writers, so tests (and other tools) can run the CLI
    /// in-process and read what an operator would see. Returns the process exit code (see <see cref="ExitCodes"/>).
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parsed = GovernanceCommands.Root().Parse(args);
        var exitCode = await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken)
            .ConfigureAwait(false);
        // System.CommandLine answers a usage error with 1; a mistyped command line is a bad argument like any other.
        return parsed.Errors.Count > 0 ? ExitCodes.InvalidArgument : exitCode;
    }
}
