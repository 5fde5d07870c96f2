using System.Security.Cryptography;
using Governance.Testing;
using Xunit;
using Xunit.Abstractions;
using SpanKind = Governance.Telemetry.Tests.Otlp.Span.Types.SpanKind;

namespace Governance.Telemetry.Tests;

/// <summary>
/// What a collector receives from one report: one trace from the app's call through routing, the store append and the
/// relay's publish to the analytics projection, across both services' processes, and the metrics a dashboard of the
/// pipeline needs. Everything is read from the OTLP/HTTP exports the real hosts send.
/// </summary>
public sealed class ReportTraceTests(TwoServicesExportingOtlp world, ITestOutputHelper output) : IClassFixture<TwoServicesExportingOtlp>
{
    private const string ServerSpanName = "governance.v1.IncidentService/ReportIncident";

    /// <summary>The report's three events (reported, registered, dispatched) are each published and projected.</summary>
    private const int EventsOfTheReport = 3;

    [Fact]
    public async Task GivenAClientTraceparent_WhenAReportIsProjected_ThenOneTraceConnectsTheCallRoutingAppendRelayAndProjectionAcrossBothServices()
    {
        var traceId = RandomHex(16);
        var clientSpanId = RandomHex(8);

        var incident = await world.ReportAsync($"00-{traceId}-{clientSpanId}-01");

        var trace = await CompleteTraceAsync(traceId, incident.IncidentId, allowedOrphan: clientSpanId);
        AssertOneConnectedTrace(trace, incident.IncidentId, allowedOrphan: clientSpanId);
        // The trace is the client's: nothing in it is a root, and its top span in the service is the caller's child.
        Assert.DoesNotContain(trace, s => s.IsRoot);
        Assert.Contains(trace, s => s.ParentSpanId == clientSpanId && s.Service == "incidents" && s.Kind == SpanKind.Server);
    }

    [Fact]
    public async Task GivenNoTraceparent_WhenAReportIsProjected_ThenTheIncidentServiceStartsTheTraceAndItStillReachesTheProjection()
    {
        var incident = await world.ReportAsync(traceParent: null);

        var report = await WaitForAsync(
            () => world.Receiver.Spans.FirstOrDefault(s => s.Name == "report" && s.Attribute("governance.incident_id") == incident.IncidentId),
            "the report span of " + incident.IncidentId);
        var trace = await CompleteTraceAsync(report.TraceId, incident.IncidentId, allowedOrphan: null);
        AssertOneConnectedTrace(trace, incident.IncidentId, allowedOrphan: null);
        var root = Assert.Single(trace, s => s.IsRoot);
        Assert.Equal(("incidents", SpanKind.Server), (root.Service, root.Kind));
    }

    [Fact]
    public async Task GivenAReportProjected_WhenMetricsAreExported_ThenReportRoutingCommandLatencyRelayAndProjectionLagArrive()
    {
        var incident = await world.ReportAsync(traceParent: null);
        await WaitForAsync(() => world.Receiver.Spans.FirstOrDefault(s => s.Name == "project incident-life" && s.Attribute("governance.incident_id") == incident.IncidentId),
            "the projection of " + incident.IncidentId);

        await TestDaprSidecar.WaitUntilAsync(() => Missing().Count == 0,
            $"every instrument exported; missing: {string.Join(", ", Missing())}; refused exports: {string.Join("; ", world.Receiver.Refused)}");

        var points = world.Receiver.Points;
        var command = points.First(p => p.Metric == "governance.command.duration" && p.Attributes.GetValueOrDefault("governance.command") == "ReportIncident");
        Assert.Equal(("incidents", "s", "created"), (command.Service, command.Unit, command.Attributes["governance.command.outcome"]));
        Assert.Contains(points, p => p.Metric == "governance.routing.outcomes" && p.Attributes.GetValueOrDefault("match") == "Exact" && p.Value >= 1);
        Assert.Contains(points, p => p.Metric == "governance.reports" && p.Value >= 1);
        Assert.Equal("{position}", points.First(p => p.Metric == "governance.relay.lag").Unit);
        Assert.All(points.Where(p => p.Metric == "governance.analytics.projection.lag"), p => Assert.Equal(("analytics", "s"), (p.Service, p.Unit)));
        // Logs go the same way (the receiver keeps only whose they are): from settings given as environment variables
        // to the incident host and as command-line settings to the analytics host.
        await TestDaprSidecar.WaitUntilAsync(() => world.Receiver.LogServices.Contains("incidents") && world.Receiver.LogServices.Contains("analytics"),
            $"logs from both services; from: {string.Join(", ", world.Receiver.LogServices)}");

        List<string> Missing()
        {
            var exported = world.Receiver.Points.Select(p => (p.Service, p.Metric)).ToHashSet();
            return
            [
                .. new[] { "governance.reports", "governance.routing.outcomes", "governance.command.duration", "governance.relay.lag", "governance.relay.delay", "governance.relay.published" }
                    .Where(m => !exported.Contains(("incidents", m))).Select(m => "incidents " + m),
                .. new[] { "governance.analytics.projection.lag" }
                    .Where(m => !exported.Contains(("analytics", m))).Select(m => "analytics " + m),
            ];
        }
    }

    /// <summary>
    /// Waits until the receiver holds every step of the report's trace and every span's parent (spans are exported as
    /// they end, children before their parents, by two processes on their own schedules).
    /// </summary>
    private async Task<IReadOnlyList<ReceivedSpan>> CompleteTraceAsync(string traceId, string incidentId, string? allowedOrphan)
    {
        IReadOnlyList<ReceivedSpan> trace = [];
        string Missing()
        {
            trace = world.Receiver.Trace(traceId);
            var ids = trace.Select(s => s.SpanId).ToHashSet();
            var missing = new List<string>();
            foreach (var name in new[] { ServerSpanName, "report", "route", "append" })
            {
                if (!trace.Any(s => s.Name == name))
                {
                    missing.Add(name);
                }
            }
            var published = trace.Count(s => s.Name.StartsWith("publish ", StringComparison.Ordinal) && s.Attribute("cloudevents.event_subject") == incidentId);
            var projected = trace.Count(s => s.Name == "project incident-life" && s.Attribute("governance.incident_id") == incidentId);
            if (published < EventsOfTheReport)
            {
                missing.Add($"publish ({published} of {EventsOfTheReport})");
            }
            if (projected < EventsOfTheReport)
            {
                missing.Add($"project incident-life ({projected} of {EventsOfTheReport})");
            }
            missing.AddRange(trace.Where(s => !s.IsRoot && s.ParentSpanId != allowedOrphan && !ids.Contains(s.ParentSpanId)).Select(s => "the parent of " + s));
            return string.Join("; ", missing);
        }
        try
        {
            await TestDaprSidecar.WaitUntilAsync(() => Missing().Length == 0, $"the whole trace {traceId}", TimeSpan.FromSeconds(90));
            output.WriteLine($"Trace {traceId}:{Environment.NewLine}{string.Join(Environment.NewLine, trace)}");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Trace {traceId} is incomplete: {Missing()}.{Environment.NewLine}Received:{Environment.NewLine}{string.Join(Environment.NewLine, trace)}" +
                $"{Environment.NewLine}Refused exports: {string.Join("; ", world.Receiver.Refused)}{Environment.NewLine}{world.Output}");
        }
        return trace;
    }

    private static void AssertOneConnectedTrace(IReadOnlyList<ReceivedSpan> trace, string incidentId, string? allowedOrphan)
    {
        var byId = trace.ToDictionary(s => s.SpanId);
        ReceivedSpan? Parent(ReceivedSpan span) => byId.GetValueOrDefault(span.ParentSpanId);

        // Each step once, in the service that did it, beneath the step that caused it.
        var server = Assert.Single(trace, s => s.Name == ServerSpanName);
        var report = Assert.Single(trace, s => s.Name == "report");
        var route = Assert.Single(trace, s => s.Name == "route");
        var append = Assert.Single(trace, s => s.Name == "append");
        Assert.All(new[] { server, report, route, append }, s => Assert.Equal("incidents", s.Service));
        Assert.Equal(SpanKind.Server, server.Kind);
        Assert.Equal(incidentId, report.Attribute("governance.incident_id"));
        Assert.Equal(server.SpanId, report.ParentSpanId);
        Assert.Equal(report.SpanId, route.ParentSpanId);
        Assert.Equal(report.SpanId, append.ParentSpanId);
        Assert.Equal("incident-" + incidentId, append.Attribute("governance.stream"));

        // The relay published each event under a producer span, a child of the call that stored it.
        var publishes = trace.Where(s => s.Name.StartsWith("publish ", StringComparison.Ordinal)).ToList();
        Assert.Equal(EventsOfTheReport, publishes.Count);
        Assert.All(publishes, p =>
        {
            Assert.Equal(("incidents", "Governance.PubSub", SpanKind.Producer), (p.Service, p.Scope, p.Kind));
            Assert.Equal(report.SpanId, p.ParentSpanId);
            Assert.Equal(incidentId, p.Attribute("cloudevents.event_subject"));
        });

        // The analytics service projected each, continuing the event's trace: every projection span descends from the
        // publish span of its own event (through the delivery request's span), and so from the report.
        var projections = trace.Where(s => s.Name == "project incident-life").ToList();
        Assert.Equal(EventsOfTheReport, projections.Count);
        Assert.Equal(publishes.Select(p => p.Attribute("messaging.message.id")).Order(), projections.Select(p => p.Attribute("messaging.message.id")).Order());
        Assert.All(projections, projection =>
        {
            Assert.Equal(("analytics", "Governance.Analytics", SpanKind.Consumer), (projection.Service, projection.Scope, projection.Kind));
            Assert.Equal("Success", projection.Attribute("governance.delivery.outcome"));
            var ancestors = new List<ReceivedSpan>();
            for (var span = Parent(projection); span is not null; span = Parent(span))
            {
                ancestors.Add(span);
            }
            var publish = Assert.Single(ancestors, a => publishes.Contains(a));
            Assert.Equal(publish.Attribute("messaging.message.id"), projection.Attribute("messaging.message.id"));
            Assert.Contains(report, ancestors);
            // Between the publish and the projection only the analytics service's own delivery request.
            Assert.All(ancestors.TakeWhile(a => a != publish), a => Assert.Equal(("analytics", SpanKind.Server), (a.Service, a.Kind)));
        });

        // One tree: every parent is in the trace, but for the client's own span when it sent one; links, if any span
        // has them, point into the trace too.
        Assert.All(trace.Where(s => !s.IsRoot && s.ParentSpanId != allowedOrphan), s => Assert.True(byId.ContainsKey(s.ParentSpanId), $"{s} has no parent in the trace"));
        Assert.All(trace.SelectMany(s => s.Links.Where(l => l.TraceId == s.TraceId)), l => Assert.Contains(l.SpanId, byId.Keys));
    }

    private static async Task<T> WaitForAsync<T>(Func<T?> find, string what) where T : class
    {
        T? found = null;
        await TestDaprSidecar.WaitUntilAsync(() => (found = find()) is not null, what, TimeSpan.FromSeconds(90));
        return found!;
    }

    private static string RandomHex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
