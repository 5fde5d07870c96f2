namespace Governance.Cli.Tests.Support;

/// <summary>What one CLI invocation printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    /// <summary>The value of a "key: value" line of the output.</summary>
    public string Field(string key)
    {
        foreach (var line in Out.Split('\n'))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
            {
                return line[(key.Length + 1)..].Trim();
            }
        }
        throw new Xunit.Sdk.XunitException($"No '{key}:' line in the output.\n{this}");
    }

    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Out}--- stderr\n{Err}";
}

/// <summary>Runs the CLI in-process through its real entry point, capturing what an operator would see.</summary>
public static class GovernanceCli
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await Program.RunAsync(args, stdout, stderr);
        return new CliRun(exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs and asserts success, showing the whole output when it fails.</summary>
    public static async Task<CliRun> SucceedAsync(params string[] args)
    {
        var run = await RunAsync(args);
        Assert.True(run.ExitCode == 0, $"governance {string.Join(' ', args)} failed:\n{run}");
        return run;
    }
}
