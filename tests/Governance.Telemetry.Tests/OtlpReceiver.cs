using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Google.Protobuf;
using Governance.Telemetry.Tests.Otlp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.Telemetry.Tests;

/// <summary>A span as exported, with the service.name of the process that exported it; ids in lowercase hex.</summary>
public sealed record ReceivedSpan(
    string Service,
    string Scope,
    string TraceId,
    string SpanId,
    string ParentSpanId,
    string Name,
    Span.Types.SpanKind Kind,
    IReadOnlyList<(string TraceId, string SpanId)> Links,
    IReadOnlyDictionary<string, string> Attributes,
    Status.Types.StatusCode Status)
{
    public bool IsRoot => ParentSpanId.Length == 0;

    public string? Attribute(string key) => Attributes.TryGetValue(key, out var value) ? value : null;

    public override string ToString() =>
        $"{Service}/{Scope} '{Name}' {Kind} {SpanId} <- {(IsRoot ? "(root)" : ParentSpanId)}{(Links.Count > 0 ? " links " + string.Join(",", Links.Select(l => l.SpanId)) : "")}";
}

/// <summary>One point of an exported metric: its attributes, and its value (sum, gauge) or count (histogram).</summary>
public sealed record ReceivedPoint(string Service, string Metric, string Unit, IReadOnlyDictionary<string, string> Attributes, double Value);

/// <summary>
/// An OTLP/HTTP receiver on 127.0.0.1 (Kestrel on a port the OS picks), as a collector's otlphttp receiver: it takes
/// POST /v1/traces, /v1/metrics and /v1/logs with <c>application/x-protobuf</c> bodies (gzip or not), decodes them
/// with the messages generated from Otlp/, keeps what it read, and answers 200 with an empty Export*ServiceResponse.
/// Anything else is answered 415 or 400, as a collector would, so an exporter misconfigured to JSON or gRPC shows up
/// as refused exports rather than as silence.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private const string Protobuf = "application/x-protobuf";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private readonly ConcurrentQueue<ReceivedPoint> _points = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private readonly ConcurrentDictionary<string, long> _logRecordsByService = new(StringComparer.Ordinal);

    private OtlpReceiver(WebApplication app) => _app = app;

    /// <summary>The base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT names it (the exporter adds /v1/{signal}).</summary>
    public Uri Endpoint { get; private set; } = null!;

    public IReadOnlyList<ReceivedSpan> Spans => [.. _spans];

    public IReadOnlyList<ReceivedPoint> Points => [.. _points];

    /// <summary>Requests answered with something other than 200, and why.</summary>
    public IReadOnlyList<string> Refused => [.. _refused];

    /// <summary>The services whose logs arrived (the receiver keeps no more of a log than whose it is).</summary>
    public IReadOnlyCollection<string> LogServices => [.. _logRecordsByService.Keys];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.MapPost("/v1/traces", context => receiver.ReceiveAsync(context, ExportTraceServiceRequest.Parser, receiver.Take, new ExportTraceServiceResponse()));
        app.MapPost("/v1/metrics", context => receiver.ReceiveAsync(context, ExportMetricsServiceRequest.Parser, receiver.Take, new ExportMetricsServiceResponse()));
        app.MapPost("/v1/logs", context => receiver.ReceiveAsync(context, ExportLogsServiceRequest.Parser, receiver.Take, new ExportLogsServiceResponse()));
        await app.StartAsync();
        receiver.Endpoint = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return receiver;
    }

    /// <summary>The spans of one trace, as received so far.</summary>
    public IReadOnlyList<ReceivedSpan> Trace(string traceId) => [.. _spans.Where(s => s.TraceId == traceId)];

    private async Task ReceiveAsync<TRequest>(HttpContext context, MessageParser<TRequest> parser, Action<TRequest> take, IMessage response)
        where TRequest : IMessage<TRequest>
    {
        var path = context.Request.Path;
        if (!string.Equals(context.Request.ContentType?.Split(';')[0].Trim(), Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            _refused.Enqueue($"{path}: content type {context.Request.ContentType}");
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        body.Position = 0;
        TRequest request;
        try
        {
            if (string.Equals(context.Request.Headers.ContentEncoding.ToString(), "gzip", StringComparison.OrdinalIgnoreCase))
            {
                await using var gzip = new GZipStream(body, CompressionMode.Decompress);
                request = parser.ParseFrom(gzip);
            }
            else
            {
                request = parser.ParseFrom(body);
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            _refused.Enqueue($"{path}: {e.Message}");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        take(request);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = Protobuf;
        await context.Response.Body.WriteAsync(response.ToByteArray(), context.RequestAborted);
    }

    private void Take(ExportTraceServiceRequest request)
    {
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var service = ServiceName(resourceSpans.Resource);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scope = scopeSpans.Scope?.Name ?? "";
                foreach (var span in scopeSpans.Spans)
                {
                    _spans.Enqueue(new ReceivedSpan(
                        service,
                        scope,
                        Hex(span.TraceId),
                        Hex(span.SpanId),
                        ParentOf(span.ParentSpanId),
                        span.Name,
                        span.Kind,
                        [.. span.Links.Select(l => (Hex(l.TraceId), Hex(l.SpanId)))],
                        Attributes(span.Attributes),
                        span.Status?.Code ?? Status.Types.StatusCode.Unset));
                }
            }
        }
    }

    private void Take(ExportMetricsServiceRequest request)
    {
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var service = ServiceName(resourceMetrics.Resource);
            foreach (var metric in resourceMetrics.ScopeMetrics.SelectMany(s => s.Metrics))
            {
                IEnumerable<(IEnumerable<KeyValue> Attributes, double Value)> points = metric.DataCase switch
                {
                    Metric.DataOneofCase.Sum => metric.Sum.DataPoints.Select(p => ((IEnumerable<KeyValue>)p.Attributes, Number(p))),
                    Metric.DataOneofCase.Gauge => metric.Gauge.DataPoints.Select(p => ((IEnumerable<KeyValue>)p.Attributes, Number(p))),
                    Metric.DataOneofCase.Histogram => metric.Histogram.DataPoints.Select(p => ((IEnumerable<KeyValue>)p.Attributes, (double)p.Count)),
                    _ => [],
                };
                foreach (var (attributes, value) in points)
                {
                    _points.Enqueue(new ReceivedPoint(service, metric.Name, metric.Unit, Attributes(attributes), value));
                }
            }
        }
    }

    private void Take(ExportLogsServiceRequest request)
    {
        foreach (var resourceLogs in request.ResourceLogs)
        {
            _logRecordsByService.AddOrUpdate(ServiceName(resourceLogs.Resource), 1, (_, n) => n + 1);
        }
    }

    private static double Number(NumberDataPoint point) => point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble;

    private static string ServiceName(Otlp.Resource? resource) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == "service.name") is { } name ? Text(name.Value) : "";

    private static Dictionary<string, string> Attributes(IEnumerable<KeyValue> attributes)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var attribute in attributes)
        {
            map[attribute.Key] = Text(attribute.Value);
        }
        return map;
    }

    private static string Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.BoolValue => value.BoolValue ? "true" : "false",
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.DoubleValue => value.DoubleValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        AnyValue.ValueOneofCase.ArrayValue => "[" + string.Join(",", value.ArrayValue.Values.Select(Text)) + "]",
        _ => "",
    };

    /// <summary>A root has no parent id; an exporter that writes eight zero bytes for it means the same.</summary>
    private static string ParentOf(ByteString bytes) => bytes.Span.IndexOfAnyExcept((byte)0) < 0 ? "" : Hex(bytes);

    private static string Hex(ByteString bytes) => bytes.IsEmpty ? "" : Convert.ToHexStringLower(bytes.Span);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
