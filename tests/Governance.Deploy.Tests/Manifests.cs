using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Governance.Deploy.Tests;

/// <summary>
/// A set of Kubernetes objects read from YAML (one document each). Objects are kept as JSON nodes whose scalars are
/// all strings, as YAML gives them: the tests compare what a manifest says, not what a type system would make of it.
/// </summary>
public sealed class Manifests(IReadOnlyList<JsonObject> objects)
{
    public IReadOnlyList<JsonObject> Objects { get; } = objects;

    public static Manifests Parse(string yaml) => new(Yaml.ReadDocuments(yaml).OfType<JsonObject>().ToList());

    public static Manifests FromFiles(IEnumerable<string> paths) =>
        new([.. paths.SelectMany(p => Yaml.ReadDocuments(File.ReadAllText(p))).OfType<JsonObject>()]);

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => o.Str("kind") == kind);

    public JsonObject? Find(string kind, string name) => OfKind(kind).FirstOrDefault(o => o.Str("metadata", "name") == name);

    public JsonObject Get(string kind, string name) =>
        Find(kind, name) ?? throw new Xunit.Sdk.XunitException($"The manifests have no {kind} named {name}; they have: {Describe()}.");

    /// <summary>Deployments and StatefulSets: everything that runs pods.</summary>
    public IEnumerable<Workload> Workloads() =>
        Objects.Where(o => o.Str("kind") is "Deployment" or "StatefulSet").Select(o => new Workload(o));

    public IEnumerable<Workload> Deployments() => OfKind("Deployment").Select(o => new Workload(o));

    /// <summary>The Dapr app ids the Deployments' sidecars carry.</summary>
    public IReadOnlyList<string> AppIds() =>
        [.. Deployments().Select(d => d.Annotation("dapr.io/app-id")).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>The decoded value of a Secret's key (data is base64, stringData plain), or null.</summary>
    public string? SecretValue(string name, string key)
    {
        var secret = Find("Secret", name);
        if (secret?.Str("stringData", key) is { } plain)
        {
            return plain;
        }
        return secret?.Str("data", key) is { } encoded ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded)) : null;
    }

    public string Describe() => string.Join(", ", Objects.Select(o => $"{o.Str("kind")}/{o.Str("metadata", "name")}"));
}

/// <summary>A Deployment or StatefulSet and its pod template.</summary>
public sealed class Workload(JsonObject manifest)
{
    public JsonObject Manifest { get; } = manifest;

    public string Kind => Manifest.Str("kind")!;

    public string Name => Manifest.Str("metadata", "name")!;

    public string Id => $"{Kind}/{Name}";

    public int Replicas => int.Parse(Manifest.Str("spec", "replicas") ?? "1", System.Globalization.CultureInfo.InvariantCulture);

    public JsonObject Template => Manifest.Obj("spec", "template") ?? throw new InvalidOperationException($"{Id} has no pod template.");

    public JsonObject PodSpec => Template.Obj("spec") ?? throw new InvalidOperationException($"{Id} has no pod spec.");

    public IReadOnlyDictionary<string, string> PodLabels => Template.Obj("metadata", "labels").StringMap();

    public string? Annotation(string key) => Template.Obj("metadata", "annotations")?.Str(key);

    public IEnumerable<JsonObject> Containers => PodSpec.Arr("containers").Objects();

    public IEnumerable<JsonObject> AllContainers => Containers.Concat(PodSpec.Arr("initContainers").Objects());

    public JsonObject? Volume(string name) => PodSpec.Arr("volumes").Objects().FirstOrDefault(v => v.Str("name") == name);

    /// <summary>The container whose ports include the Dapr app port: the app itself, as opposed to helpers.</summary>
    public JsonObject AppContainer()
    {
        var port = Annotation("dapr.io/app-port");
        return Containers.FirstOrDefault(c => c.Arr("ports").Objects().Any(p => p.Str("containerPort") == port))
            ?? Containers.First();
    }

    /// <summary>A container port given by name or number, as a number (null when it names no port).</summary>
    public static int? ResolvePort(JsonObject container, string? port)
    {
        if (port is null)
        {
            return null;
        }
        if (int.TryParse(port, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }
        return container.Arr("ports").Objects().Where(p => p.Str("name") == port)
            .Select(p => (int?)int.Parse(p.Str("containerPort")!, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
    }
}

/// <summary>Where a container's environment variable comes from.</summary>
public abstract record EnvSource
{
    public sealed record Literal(string Value) : EnvSource;

    public sealed record SecretKey(string Secret, string Key) : EnvSource;

    public sealed record ConfigMapKey(string ConfigMap, string Key) : EnvSource;

    public sealed record Other(string Description) : EnvSource;
}

public static class ContainerEnvironment
{
    /// <summary>
    /// A container's environment as the kubelet builds it: envFrom sources in order (ConfigMaps resolved to their
    /// values from <paramref name="manifests"/>), then env, a later name replacing an earlier one.
    /// </summary>
    public static IReadOnlyDictionary<string, EnvSource> Of(JsonObject container, Manifests manifests)
    {
        var env = new Dictionary<string, EnvSource>(StringComparer.Ordinal);
        foreach (var from in container.Arr("envFrom").Objects())
        {
            if (from.Str("configMapRef", "name") is { } configMap)
            {
                foreach (var (key, value) in manifests.Find("ConfigMap", configMap)?.Obj("data").StringMap() ?? new Dictionary<string, string>())
                {
                    env[key] = new EnvSource.Literal(value);
                }
            }
            else if (from.Str("secretRef", "name") is { } secret)
            {
                foreach (var key in manifests.Find("Secret", secret)?.Obj("data").StringMap().Keys ?? [])
                {
                    env[key] = new EnvSource.SecretKey(secret, key);
                }
            }
        }
        foreach (var variable in container.Arr("env").Objects())
        {
            var name = variable.Str("name")!;
            env[name] = variable.Obj("valueFrom") is { } valueFrom
                ? valueFrom.Obj("secretKeyRef") is { } secretRef
                    ? new EnvSource.SecretKey(secretRef.Str("name")!, secretRef.Str("key")!)
                    : valueFrom.Obj("configMapKeyRef") is { } configMapRef
                        ? new EnvSource.ConfigMapKey(configMapRef.Str("name")!, configMapRef.Str("key")!)
                        : new EnvSource.Other(valueFrom.ToJsonString())
                : new EnvSource.Literal(variable.Str("value") ?? "");
        }
        return env;
    }

    /// <summary>The literal value of a variable (null when absent or not literal).</summary>
    public static string? Literal(this IReadOnlyDictionary<string, EnvSource> env, string name) =>
        env.TryGetValue(name, out var source) && source is EnvSource.Literal literal ? literal.Value : null;
}

/// <summary>YAML to JSON nodes (every scalar a string; a plain null, ~ or empty scalar is null).</summary>
public static class Yaml
{
    public static IEnumerable<JsonNode?> ReadDocuments(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new FormatException($"Not valid YAML: {e.Message}", e);
        }
        return stream.Documents.Select(d => ToNode(d.RootNode));
    }

    public static JsonNode? ReadFile(string path) => ReadDocuments(File.ReadAllText(path)).Single();

    private static JsonNode? ToNode(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", ToNode(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToNode)]),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" } => null,
        YamlScalarNode scalar => JsonValue.Create(scalar.Value ?? ""),
        _ => throw new FormatException($"Unsupported YAML node {node.NodeType} at {node.Start}."),
    };
}

/// <summary>Navigation over the JSON nodes of a manifest.</summary>
public static class JsonPath
{
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var step in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(step, out var next) ? next : null;
        }
        return node;
    }

    public static string? Str(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    public static JsonObject? Obj(this JsonNode? node, params string[] path) => node.At(path) as JsonObject;

    public static JsonArray? Arr(this JsonNode? node, params string[] path) => node.At(path) as JsonArray;

    public static IEnumerable<JsonObject> Objects(this JsonArray? array) => array?.OfType<JsonObject>() ?? [];

    public static IEnumerable<string> Strings(this JsonArray? array) =>
        array?.Select(n => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>() ?? [];

    public static IReadOnlyDictionary<string, string> StringMap(this JsonObject? node) =>
        node?.Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value.Str()!, StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);
}
