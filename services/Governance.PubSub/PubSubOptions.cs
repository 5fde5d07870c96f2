using System.Globalization;
using Governance.Contracts.V1;
using Microsoft.Extensions.Configuration;

namespace Governance.PubSub;

/// <summary>How integration events travel.</summary>
public enum PubSubMode
{
    /// <summary>In process, to the subscribers registered in the same host: no sidecar, nothing to install.</summary>
    Embedded = 1,

    /// <summary>Through the Dapr sidecar's HTTP API; subscribers answer the sidecar on their routes.</summary>
    Dapr = 2,
}

/// <summary>
/// Settings of pub/sub, bound from the "PubSub" section. The Dapr endpoint and tokens fall back to the variables the
/// sidecar injector sets (DAPR_HTTP_ENDPOINT, DAPR_HTTP_PORT, DAPR_API_TOKEN, APP_API_TOKEN), read through
/// configuration, so a test may pass them as settings without touching the process environment.
/// </summary>
public sealed class PubSubOptions
{
    public const string SectionName = "PubSub";

    /// <summary>The header that carries a Dapr API token, both ways (docs.dapr.io/operations/security/api-token, app-api-token).</summary>
    public const string ApiTokenHeader = "dapr-api-token";

    /// <summary>The sidecar's port when neither DAPR_HTTP_ENDPOINT nor DAPR_HTTP_PORT is set: Dapr's own default.</summary>
    public const int DefaultDaprHttpPort = 3500;

    /// <summary>"Embedded" (the default) or "Dapr".</summary>
    public string Mode { get; set; } = nameof(PubSubMode.Embedded);

    /// <summary>The Dapr pub/sub component's name (metadata.name of its manifest).</summary>
    public string Name { get; set; } = "pubsub";

    /// <summary>The topic incident-life events are published to and subscribed from.</summary>
    public string Topic { get; set; } = IntegrationTopics.IncidentLife;

    /// <summary>Where subscribers' undeliverable events go (the subscriptions' deadLetterTopic).</summary>
    public string DeadLetterTopic { get; set; } = IntegrationTopics.IncidentLifeDeadLetter;

    /// <summary>The sidecar's HTTP endpoint; when unset, DAPR_HTTP_ENDPOINT, else http://127.0.0.1:{DAPR_HTTP_PORT or 3500}.</summary>
    public string? DaprHttpEndpoint { get; set; }

    /// <summary>Sent as dapr-api-token on every call to the sidecar; when unset, DAPR_API_TOKEN.</summary>
    public string? DaprApiToken { get; set; }

    /// <summary>
    /// When set (else APP_API_TOKEN), every call from the sidecar to this app must carry it as dapr-api-token, or it is
    /// refused with 401.
    /// </summary>
    public string? AppApiToken { get; set; }

    /// <summary>Where <see cref="DaprHttpEndpoint"/> came from, for error messages.</summary>
    internal string EndpointSource { get; private set; } = $"{SectionName}:{nameof(DaprHttpEndpoint)}";

    /// <summary>The mode, once <see cref="Validate"/> has accepted <see cref="Mode"/>.</summary>
    public PubSubMode ResolvedMode => ParseMode(Mode) ?? throw new InvalidOperationException(ModeError());

    /// <summary>The sidecar's base address, once <see cref="Validate"/> has accepted it.</summary>
    public Uri DaprEndpoint => TryEndpoint(out var endpoint) ? endpoint : throw new InvalidOperationException(EndpointError());

    /// <summary>Fills what the section left unset from the sidecar's variables. Empty values count as unset, as in Dapr.</summary>
    public void ApplyEnvironment(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrEmpty(DaprHttpEndpoint))
        {
            if (configuration["DAPR_HTTP_ENDPOINT"] is { Length: > 0 } endpoint)
            {
                DaprHttpEndpoint = endpoint;
                EndpointSource = "DAPR_HTTP_ENDPOINT";
            }
            else
            {
                var port = configuration["DAPR_HTTP_PORT"] is { Length: > 0 } p ? p : DefaultDaprHttpPort.ToString(CultureInfo.InvariantCulture);
                DaprHttpEndpoint = $"http://127.0.0.1:{port}";
                EndpointSource = "DAPR_HTTP_PORT";
            }
        }
        if (string.IsNullOrEmpty(DaprApiToken) && configuration["DAPR_API_TOKEN"] is { Length: > 0 } apiToken)
        {
            DaprApiToken = apiToken;
        }
        if (string.IsNullOrEmpty(AppApiToken) && configuration["APP_API_TOKEN"] is { Length: > 0 } appToken)
        {
            AppApiToken = appToken;
        }
        DaprApiToken = string.IsNullOrEmpty(DaprApiToken) ? null : DaprApiToken;
        AppApiToken = string.IsNullOrEmpty(AppApiToken) ? null : AppApiToken;
    }

    /// <summary>Throws naming the first bad setting. The Dapr settings are checked only in Dapr mode.</summary>
    public void Validate()
    {
        if (ParseMode(Mode) is not { } mode)
        {
            throw new InvalidOperationException(ModeError());
        }
        if (string.IsNullOrWhiteSpace(Name) || Name.IndexOfAny(['/', '?', '#', ' ']) >= 0)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(Name)} must name the Dapr pub/sub component (no '/', '?', '#' or spaces); it is '{Name}'.");
        }
        if (string.IsNullOrWhiteSpace(Topic) || Topic.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(Topic)} must name a topic without spaces; it is '{Topic}'.");
        }
        if (string.IsNullOrWhiteSpace(DeadLetterTopic) || DeadLetterTopic.Any(char.IsWhiteSpace))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DeadLetterTopic)} must name a topic without spaces; it is '{DeadLetterTopic}'.");
        }
        if (DeadLetterTopic == Topic)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(DeadLetterTopic)} must differ from {SectionName}:{nameof(Topic)} ('{Topic}'): a dropped event would come straight back.");
        }
        if (mode != PubSubMode.Dapr)
        {
            return;
        }
        if (!TryEndpoint(out _))
        {
            throw new InvalidOperationException(EndpointError());
        }
        if (DaprApiToken is not null && string.IsNullOrWhiteSpace(DaprApiToken))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(DaprApiToken)} (or DAPR_API_TOKEN) must not be blank when set.");
        }
        if (AppApiToken is not null && string.IsNullOrWhiteSpace(AppApiToken))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(AppApiToken)} (or APP_API_TOKEN) must not be blank when set.");
        }
    }

    /// <summary>The mode a setting names, or null when it names none (an unset setting is <see cref="PubSubMode.Embedded"/>).</summary>
    public static PubSubMode? ParseMode(string? mode) => string.IsNullOrEmpty(mode) ? PubSubMode.Embedded : ParseNamedMode(mode);

    private static PubSubMode? ParseNamedMode(string mode) =>
        Enum.TryParse<PubSubMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(mode, out _) ? parsed : null;

    private string ModeError() => $"{SectionName}:{nameof(Mode)} must be Embedded or Dapr; it is '{Mode}'.";

    private bool TryEndpoint(out Uri endpoint)
    {
        endpoint = null!;
        if (!Uri.TryCreate(DaprHttpEndpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || uri.Port < 1 || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return false;
        }
        // A base address must end in '/', or the last path segment is replaced when the API path is appended.
        endpoint = uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return true;
    }

    private string EndpointError() => EndpointSource == "DAPR_HTTP_PORT"
        ? $"DAPR_HTTP_PORT must be a port number (1-65535) of the Dapr sidecar; the endpoint built from it, '{DaprHttpEndpoint}', is not a valid http URL."
        : $"{EndpointSource} must be the Dapr sidecar's absolute http(s) URL without query or fragment, e.g. http://127.0.0.1:3500; it is '{DaprHttpEndpoint}'.";
}
