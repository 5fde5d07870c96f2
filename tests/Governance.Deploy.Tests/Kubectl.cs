using System.Collections.Concurrent;
using System.Diagnostics;
using Governance.Testing;
using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>
/// Renders kustomize overlays with <c>kubectl kustomize</c> (kustomize is built into kubectl 1.14 and later; the
/// manifests need its v5, in kubectl 1.27 and later). Each overlay is rendered once per test process.
/// </summary>
public static class Kubectl
{
    /// <summary>Set to 1 (as .ci/run does where kubectl is installed) to make a missing kubectl a failure.</summary>
    public const string RequireVariable = "GOVERNANCE_REQUIRE_KUBECTL";

    public const string InstallHint =
        "install kubectl 1.27 or later (it embeds kustomize v5) from the Kubernetes release binaries and put it on PATH";

    private static readonly Lazy<string?> ExecutableValue = new(Find);
    private static readonly ConcurrentDictionary<string, Lazy<Manifests>> Rendered = new(StringComparer.Ordinal);

    /// <summary>The kubectl on PATH, or null.</summary>
    public static string? Executable => ExecutableValue.Value;

    /// <summary>Why render tests are skipped here, or null when they run.</summary>
    public static string? SkipReason =>
        Executable is not null || Environment.GetEnvironmentVariable(RequireVariable) == "1"
            ? null
            : $"kubectl is not on PATH, so the rendered Kubernetes manifests are not checked; {InstallHint} (with {RequireVariable}=1 its absence fails instead).";

    /// <summary>The overlay deploy/k8s/overlays/{name} as kustomize renders it.</summary>
    public static Manifests RenderOverlay(string name) =>
        Rendered.GetOrAdd(name, n => new Lazy<Manifests>(() => Manifests.Parse(Render(Path.Combine(DeployPaths.Overlays, n))))).Value;

    private static string Render(string directory)
    {
        var kubectl = Executable ?? throw new InvalidOperationException(
            $"kubectl is required here ({RequireVariable}=1) but not on PATH: {InstallHint}.");
        var start = new ProcessStartInfo(kubectl)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
        };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kubectl did not start.");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kubectl kustomize {directory} exited with {process.ExitCode}: {error.Result}");
        }
        return output;
    }

    private static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Where(dir => dir.Length > 0)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists);
}

/// <summary>A fact that renders manifests: skipped with the install hint where kubectl is missing (see <see cref="Kubectl.SkipReason"/>).</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory over overlays that renders them: skipped like <see cref="KubectlFactAttribute"/>.</summary>
public sealed class KubectlTheoryAttribute : TheoryAttribute
{
    public KubectlTheoryAttribute()
    {
        if (Kubectl.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>Where the deployment files are.</summary>
public static class DeployPaths
{
    public static string K8s => Path.Combine(RepositoryPaths.Root, "deploy", "k8s");

    public static string Base => Path.Combine(K8s, "base");

    public static string Overlays => Path.Combine(K8s, "overlays");

    public static string DaprComponents => Path.Combine(RepositoryPaths.Root, "deploy", "dapr", "components");

    public static string Tye => Path.Combine(RepositoryPaths.Root, "tye.yaml");

    /// <summary>Every overlay folder, by name.</summary>
    public static IReadOnlyList<string> OverlayNames() =>
        [.. Directory.GetDirectories(Overlays).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
