namespace Governance.Deploy.Tests;

/// <summary>The deployment files as written (no rendering needed), for the checks that run without kubectl.</summary>
public static class SourceFiles
{
    /// <summary>The objects of the base's resource files (not its generated ConfigMaps and Secrets).</summary>
    public static Manifests BaseResources()
    {
        var kustomization = Yaml.ReadFile(Path.Combine(DeployPaths.Base, "kustomization.yaml"));
        return Manifests.FromFiles(kustomization.Arr("resources").Strings().Select(r => Path.Combine(DeployPaths.Base, r)));
    }

    /// <summary>A kustomize env file (KEY=VALUE lines, # comments) as a dictionary.</summary>
    public static IReadOnlyDictionary<string, string> ReadEnvFile(string path) =>
        File.ReadAllLines(path)
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);

    /// <summary>The Dockerfile beside a project file.</summary>
    public static string DockerfileOf(string projectPath) =>
        Path.Combine(Path.GetDirectoryName(Path.Combine(Governance.Testing.RepositoryPaths.Root, projectPath))!, "Dockerfile");
}
