using System.Reflection;
using Xunit;

namespace Governance.EventStore.Tests;

/// <summary>Where to find the probe process the build put beside the tests (see the .csproj).</summary>
internal static class CrashProbe
{
    public static string Path()
    {
        var path = typeof(CrashProbe).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "CrashProbePath").Value;
        Assert.True(File.Exists(path), $"crash probe not built at '{path}'");
        return path!;
    }

    public static string DotnetHost()
    {
        // The SDK tells test runs which dotnet launched them; a bare name relies on PATH.
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }
}
