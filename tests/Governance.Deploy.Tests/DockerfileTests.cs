using System.Text.RegularExpressions;
using Governance.Testing;
using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>
/// The shape of each service's Dockerfile. No Docker engine runs where these tests do, so the images are not built;
/// what is checked is what a build would depend on.
/// </summary>
public partial class DockerfileTests
{
    /// <summary>APP_UID of the mcr.microsoft.com/dotnet/aspnet images (8.0 and later), which USER $APP_UID names.</summary>
    private const string AspNetAppUid = "1654";

    public static TheoryData<string, string> Services() => new()
    {
        { "incidents", "Governance.Incidents.Host" },
        { "analytics", "Governance.Analytics.Host" },
    };

    [Theory]
    [MemberData(nameof(Services))]
    public void Builds_in_stages_and_runs_the_published_host_as_a_non_root_user(string appId, string project)
    {
        var projectPath = $"services/{project}/{project}.csproj";
        // The image runs {project}.dll: the project must exist and keep its default assembly name.
        var projectFile = File.ReadAllText(Path.Combine(RepositoryPaths.Root, projectPath));
        Assert.DoesNotContain("<AssemblyName>", projectFile, StringComparison.Ordinal);
        var stages = Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "services", project, "Dockerfile")));
        Assert.True(stages.Count >= 2, $"{project}/Dockerfile has {stages.Count} stage(s); the SDK must not ship in the runtime image");
        var runtime = stages[^1];
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", runtime.From);
        var build = stages.Single(s => s.Instructions.Any(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)));
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", build.From);

        // Restore runs before the sources arrive, so editing code does not redo it.
        var restore = build.Instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains($"dotnet restore {projectPath}", StringComparison.Ordinal));
        var sources = build.Instructions.FindIndex(i => i.Keyword == "COPY" && i.Arguments == ". .");
        Assert.True(restore >= 0, $"the build stage does not restore {projectPath}");
        Assert.True(sources > restore, "the build stage copies the sources before it restores");
        Assert.Contains(build.Instructions, i => i.Keyword == "RUN" && i.Arguments.Contains($"dotnet publish {projectPath}", StringComparison.Ordinal));
        Assert.Contains(build.Instructions, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=", StringComparison.Ordinal));

        var user = runtime.Instructions.LastOrDefault(i => i.Keyword == "USER")?.Arguments;
        Assert.False(user is null or "root" or "0" || user.StartsWith("root:", StringComparison.Ordinal) || user.StartsWith("0:", StringComparison.Ordinal),
            $"the runtime stage runs as {user ?? "root (no USER)"}");
        Assert.True(stages.SelectMany(s => s.Instructions).Last(i => i.Keyword == "USER").Arguments == user, "the last USER is not in the runtime stage");
        Assert.Equal(["5080", "5081"], runtime.Instructions.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ')).Order(StringComparer.Ordinal));
        Assert.Contains(runtime.Instructions, i => i.Keyword == "ENV" && EnvPattern().Matches(i.Arguments).Any(m => m.Groups[1].Value == "Ports__Address" && m.Groups[2].Value == "0.0.0.0"));
        Assert.Equal($"[\"dotnet\", \"{project}.dll\"]", runtime.Instructions.Single(i => i.Keyword == "ENTRYPOINT").Arguments);

        // The pod runs as the user the image names.
        var deployment = SourceFiles.BaseResources().Deployments().Single(d => d.Annotation("dapr.io/app-id") == appId);
        Assert.Equal(user == "$APP_UID" ? AspNetAppUid : user, deployment.PodSpec.Str("securityContext", "runAsUser"));
    }

    [Fact]
    public void The_build_context_leaves_out_build_output_packages_and_local_data()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        foreach (var pattern in new[] { "**/bin/", "**/obj/", "**/node_modules/", "**/data/" })
        {
            Assert.Contains(pattern, ignored);
        }
    }

    private sealed record Instruction(string Keyword, string Arguments);

    private sealed record Stage(string From, List<Instruction> Instructions);

    /// <summary>Dockerfile instructions by stage: comments dropped, continuation lines joined.</summary>
    private static List<Stage> Parse(string text)
    {
        var stages = new List<Stage>();
        var logical = Regex.Replace(text.Replace("\r\n", "\n", StringComparison.Ordinal), @"\\\n(\s*#[^\n]*\n)*", " ");
        foreach (var line in logical.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? line : line[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : Regex.Replace(line[(space + 1)..].Trim(), @"\s+", " ");
            if (keyword == "FROM")
            {
                stages.Add(new Stage(arguments.Split(' ')[0], []));
            }
            else if (stages.Count == 0)
            {
                throw new FormatException($"{keyword} before the first FROM");
            }
            else
            {
                stages[^1].Instructions.Add(new Instruction(keyword, arguments));
            }
        }
        return stages;
    }

    [GeneratedRegex(@"(\w+)=(\S*)")]
    private static partial Regex EnvPattern();
}
