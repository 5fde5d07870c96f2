using System.Text;
using Google.Protobuf;
using Governance.Contracts.V1;
using Governance.PubSub;

namespace Governance.Analytics.Projection;

/// <summary>
/// How a delivered CloudEvent becomes an <see cref="IncidentLifeEvent"/> the projection can apply, or the reason it
/// never can (the handler then answers DROP, and the broker dead-letters it).
/// </summary>
internal static class IncidentLifeEvents
{
    private const string TypePrefix = "governance.incident.";
    private const string TypeSuffix = ".v1";
    private const string JsonContentType = "application/json";

    private static readonly JsonParser Json = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    /// <summary>The event, or null and why not.</summary>
    public static IncidentLifeEvent? Parse(CloudEvent cloudEvent, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        if (!IsIncidentLifeType(cloudEvent.Type))
        {
            problem = $"its type '{cloudEvent.Type}' is not governance.incident.<change>.v1";
            return null;
        }
        var contentType = MediaType(cloudEvent.DataContentType);
        IncidentLifeEvent parsed;
        try
        {
            if (string.Equals(contentType, IntegrationTopics.ProtobufContentType, StringComparison.OrdinalIgnoreCase))
            {
                parsed = IncidentLifeEvent.Parser.ParseFrom(cloudEvent.Data.Span);
            }
            else if (string.Equals(contentType, JsonContentType, StringComparison.OrdinalIgnoreCase))
            {
                parsed = Json.Parse<IncidentLifeEvent>(Encoding.UTF8.GetString(cloudEvent.Data.Span));
            }
            else
            {
                problem = $"its data content type '{cloudEvent.DataContentType}' is neither {IntegrationTopics.ProtobufContentType} nor {JsonContentType}";
                return null;
            }
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            problem = $"its data does not parse as an IncidentLifeEvent ({e.Message})";
            return null;
        }
        problem = ProblemOf(parsed);
        return problem is null ? parsed : null;
    }

    /// <summary>Why the event cannot be applied, or null when it can.</summary>
    public static string? ProblemOf(IncidentLifeEvent lifeEvent)
    {
        ArgumentNullException.ThrowIfNull(lifeEvent);
        if (string.IsNullOrEmpty(lifeEvent.IncidentId))
        {
            return "it names no incident";
        }
        if (lifeEvent.Incident is not { } facts)
        {
            return $"it carries no facts of incident {lifeEvent.IncidentId}";
        }
        if (!string.Equals(facts.IncidentId, lifeEvent.IncidentId, StringComparison.Ordinal))
        {
            return $"it is an event of incident {lifeEvent.IncidentId} carrying the facts of incident '{facts.IncidentId}'";
        }
        if (lifeEvent.IncidentVersion <= 0)
        {
            return $"its incident version is {lifeEvent.IncidentVersion}; versions start at 1";
        }
        if (facts.Version != lifeEvent.IncidentVersion)
        {
            return $"it is version {lifeEvent.IncidentVersion} of incident {lifeEvent.IncidentId} carrying facts of version {facts.Version}";
        }
        if (lifeEvent.Position <= 0)
        {
            return $"its log position is {lifeEvent.Position}; positions start at 1";
        }
        return null;
    }

    private static bool IsIncidentLifeType(string? type) =>
        type is not null
        && type.Length > TypePrefix.Length + TypeSuffix.Length
        && type.StartsWith(TypePrefix, StringComparison.Ordinal)
        && type.EndsWith(TypeSuffix, StringComparison.Ordinal)
        && !type.AsSpan(TypePrefix.Length, type.Length - TypePrefix.Length - TypeSuffix.Length).Contains('.');

    /// <summary>The media type without parameters ("application/json; charset=utf-8" → "application/json").</summary>
    private static string? MediaType(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }
        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
    }
}
