using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Governance.PubSub;

/// <summary>
/// CloudEvents 1.0 in the JSON event format (structured mode, <c>application/cloudevents+json</c>), as in
/// cloudevents/spec formats/json-format.md. Data of a JSON content type (<c>*/json</c> or <c>*/*+json</c>) is written
/// as a JSON value under <c>data</c>; anything else as base64 under <c>data_base64</c>. Reading accepts both, treats a
/// <c>null</c> attribute as unset, and ignores extension attributes it does not know (Dapr adds <c>topic</c>,
/// <c>pubsubname</c> and <c>traceid</c> to what it delivers).
/// </summary>
public static partial class CloudEventJson
{
    /// <summary>The media type of one CloudEvent in the JSON format.</summary>
    public const string MediaType = "application/cloudevents+json";

    private const string JsonContentType = "application/json";

    // At most seven fractional digits: .NET keeps time in 100 ns ticks, so that is all a round trip can carry.
    private const string TimeFormat = "yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The producer's own text (ids, subjects) is written as UTF-8, not as \uXXXX escapes; the envelope is not HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The event as UTF-8 JSON.</summary>
    /// <exception cref="ArgumentException">A required attribute is empty, or JSON-typed data is not valid JSON.</exception>
    public static byte[] Serialize(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256 + cloudEvent.Data.Length * 4 / 3);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, cloudEvent);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the event as one JSON object.</summary>
    public static void Write(Utf8JsonWriter writer, CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(cloudEvent);
        RequireForWriting(cloudEvent.Id, "id");
        RequireForWriting(cloudEvent.Source, "source");
        RequireForWriting(cloudEvent.Type, "type");
        writer.WriteStartObject();
        writer.WriteString("specversion", CloudEvent.SpecVersion);
        writer.WriteString("id", cloudEvent.Id);
        writer.WriteString("source", cloudEvent.Source);
        writer.WriteString("type", cloudEvent.Type);
        if (cloudEvent.Time is { } time)
        {
            writer.WriteString("time", FormatTime(time));
        }
        WriteOptional(writer, "subject", cloudEvent.Subject);
        WriteOptional(writer, "datacontenttype", cloudEvent.DataContentType);
        WriteOptional(writer, "traceparent", cloudEvent.TraceParent);
        WriteOptional(writer, "tracestate", cloudEvent.TraceState);
        if (!cloudEvent.Data.IsEmpty)
        {
            // No content type means application/json (json-format.md 3.1.1), so such data is written as JSON too.
            if (cloudEvent.DataContentType is null || IsJsonContentType(cloudEvent.DataContentType))
            {
                writer.WritePropertyName("data");
                try
                {
                    writer.WriteRawValue(cloudEvent.Data.Span, skipInputValidation: false);
                }
                catch (JsonException e)
                {
                    throw new ArgumentException(
                        $"CloudEvent {cloudEvent.Id}: its data is declared JSON ({cloudEvent.DataContentType ?? "no datacontenttype"}) but is not valid JSON: {e.Message}",
                        nameof(cloudEvent), e);
                }
            }
            else
            {
                writer.WriteBase64String("data_base64", cloudEvent.Data.Span);
            }
        }
        writer.WriteEndObject();
    }

    /// <summary>
    /// Reads one event. A missing or malformed required attribute (<c>specversion</c>, <c>id</c>, <c>source</c>,
    /// <c>type</c>), a <c>specversion</c> other than 1.0, a <c>time</c> that is not RFC 3339, <c>data</c> beside
    /// <c>data_base64</c>, or invalid JSON is refused with a <see cref="FormatException"/> naming what is wrong.
    /// </summary>
    public static CloudEvent Deserialize(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        try
        {
            return Read(ref reader, json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"A CloudEvent must be a valid JSON object: {e.Message}", e);
        }
    }

    /// <summary>
    /// True when <paramref name="contentType"/> declares JSON: its media type, without parameters, is <c>*/json</c> or
    /// <c>*/*+json</c>.
    /// </summary>
    public static bool IsJsonContentType(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return false;
        }
        var mediaType = contentType.AsSpan();
        var parameters = mediaType.IndexOf(';');
        if (parameters >= 0)
        {
            mediaType = mediaType[..parameters];
        }
        mediaType = mediaType.Trim();
        var slash = mediaType.IndexOf('/');
        if (slash <= 0 || slash == mediaType.Length - 1)
        {
            return false;
        }
        var subtype = mediaType[(slash + 1)..];
        return subtype.Equals("json", StringComparison.OrdinalIgnoreCase) || subtype.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>An RFC 3339 timestamp in UTC, as written into <c>time</c>.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static CloudEvent Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("A CloudEvent in the JSON format is a JSON object.");
        }
        string? specVersion = null, id = null, source = null, type = null, subject = null, contentType = null, traceParent = null, traceState = null;
        DateTimeOffset? time = null;
        ReadOnlyMemory<byte>? data = null;
        var dataIsString = false;
        byte[]? dataBase64 = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            if (!seen.Add(name))
            {
                throw new FormatException($"The CloudEvent attribute {name} appears twice.");
            }
            reader.Read();
            switch (name)
            {
                case "specversion": specVersion = ReadString(ref reader, name); break;
                case "id": id = ReadString(ref reader, name); break;
                case "source": source = ReadString(ref reader, name); break;
                case "type": type = ReadString(ref reader, name); break;
                case "subject": subject = ReadString(ref reader, name); break;
                case "datacontenttype": contentType = ReadString(ref reader, name); break;
                case "traceparent": traceParent = ReadString(ref reader, name); break;
                case "tracestate": traceState = ReadString(ref reader, name); break;
                case "time":
                    time = ReadString(ref reader, name) is { } text ? ParseTime(text) : null;
                    break;
                case "data":
                    dataIsString = reader.TokenType == JsonTokenType.String;
                    var start = (int)reader.TokenStartIndex;
                    reader.Skip();
                    data = json[start..(int)reader.BytesConsumed].ToArray();
                    break;
                case "data_base64":
                    if (reader.TokenType == JsonTokenType.Null)
                    {
                        break;
                    }
                    if (reader.TokenType != JsonTokenType.String || !reader.TryGetBytesFromBase64(out dataBase64))
                    {
                        throw new FormatException("The CloudEvent attribute data_base64 must be a base64 string.");
                    }
                    break;
                default:
                    // An extension attribute (or dataschema): carried by brokers, not needed here.
                    reader.Skip();
                    break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new FormatException("A CloudEvent in the JSON format is a JSON object.");
        }
        if (reader.Read())
        {
            throw new FormatException("A CloudEvent in the JSON format is one JSON object with nothing after it.");
        }

        if (specVersion is null)
        {
            throw new FormatException("The CloudEvent has no specversion; it is required.");
        }
        if (specVersion != CloudEvent.SpecVersion)
        {
            throw new FormatException($"The CloudEvent's specversion is '{specVersion}'; only {CloudEvent.SpecVersion} is understood.");
        }
        id = Required(id, "id");
        source = Required(source, "source");
        if (!IsUriReference(source))
        {
            throw new FormatException($"The CloudEvent's source '{source}' is not a URI-reference.");
        }
        type = Required(type, "type");
        if (data is not null && dataBase64 is not null)
        {
            throw new FormatException("The CloudEvent has both data and data_base64; a JSON CloudEvent carries one or the other.");
        }

        ReadOnlyMemory<byte> payload = default;
        if (dataBase64 is not null)
        {
            payload = dataBase64;
        }
        else if (data is { } raw)
        {
            if (contentType is null)
            {
                // json-format.md 3.1.2: data without a content type is JSON, and says so once re-serialized.
                contentType = JsonContentType;
            }
            if (IsJsonContentType(contentType))
            {
                payload = raw;
            }
            else if (dataIsString)
            {
                // Text of a non-JSON type (an XML document, say) travels as a JSON string: the payload is its text.
                var text = new Utf8JsonReader(raw.Span);
                text.Read();
                payload = System.Text.Encoding.UTF8.GetBytes(text.GetString()!);
            }
            else
            {
                throw new FormatException($"The CloudEvent's data must be a string when its datacontenttype ({contentType}) is not JSON.");
            }
        }

        return new CloudEvent
        {
            Id = id,
            Source = source,
            Type = type,
            Time = time,
            Subject = subject,
            DataContentType = contentType,
            Data = payload,
            TraceParent = traceParent,
            TraceState = traceState,
        };
    }

    private static string? ReadString(ref Utf8JsonReader reader, string name) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw new FormatException($"The CloudEvent attribute {name} must be a string; it is a JSON {reader.TokenType}."),
    };

    private static string Required(string? value, string name) => string.IsNullOrEmpty(value)
        ? throw new FormatException($"The CloudEvent has no {name}; it is required and must not be empty.")
        : value;

    private static DateTimeOffset ParseTime(string text)
    {
        var match = Rfc3339().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"The CloudEvent's time '{text}' is not an RFC 3339 timestamp (e.g. 2024-05-01T08:30:00Z).");
        }
        // .NET parses at most seven fractional digits; RFC 3339 allows any number.
        var normalized = match.Groups["date"].Value + "T" + match.Groups["time"].Value
            + (match.Groups["fraction"].Success ? "." + match.Groups["fraction"].Value[..Math.Min(7, match.Groups["fraction"].Length)] : "")
            + match.Groups["offset"].Value.ToUpperInvariant();
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time
            : throw new FormatException($"The CloudEvent's time '{text}' is not a valid date and time.");
    }

    /// <summary>
    /// RFC 3986 URI-reference: only the characters it allows, percent-escapes complete, and a reference with a scheme
    /// must be an absolute URI. (.NET's relative-URI parsing accepts almost any text, so it cannot be the judge.)
    /// </summary>
    private static bool IsUriReference(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
                {
                    return false;
                }
                i += 2;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && "-._~:/?#[]@!$&'()*+,;=".IndexOf(c) < 0)
            {
                return false;
            }
        }
        return !Scheme().IsMatch(value) || Uri.TryCreate(value, UriKind.Absolute, out _);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+.-]*:", RegexOptions.CultureInvariant)]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^(?<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?<time>[0-9]{2}:[0-9]{2}:[0-9]{2})(\.(?<fraction>[0-9]+))?(?<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();

    private static void RequireForWriting(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new ArgumentException($"A CloudEvent needs a non-empty {name}.", name);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
