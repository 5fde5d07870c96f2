using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>One report yields one trace: the gRPC server span, then report, route and append beneath it.</summary>
public sealed class TelemetryTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    [Fact]
    public async Task GivenAListener_WhenAReportArrives_ThenServerReportRouteAndAppendSpansShareOneTrace()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Governance.Grpc" or IncidentsTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        var incident = (await world.Host.ReportAsync(Reports.At(world.Grids[77].InteriorPoint))).Incident;

        var report = spans.Single(s => s.OperationName == "report" && (string?)s.GetTagItem("governance.incident_id") == incident.IncidentId);
        var trace = spans.Where(s => s.TraceId == report.TraceId).ToList();
        var server = Assert.Single(trace, s => s.Source.Name == "Governance.Grpc");
        Assert.Equal(server.SpanId, report.ParentSpanId);
        var route = Assert.Single(trace, s => s.OperationName == "route");
        Assert.Equal(report.SpanId, route.ParentSpanId);
        Assert.Equal(world.Grids[77].Code, route.GetTagItem("governance.grid"));
        var append = Assert.Single(trace, s => s.OperationName == "append");
        Assert.Equal(report.SpanId, append.ParentSpanId);
        Assert.Equal("incident-" + incident.IncidentId, append.GetTagItem("governance.stream"));
    }

    [Fact]
    public async Task GivenAMeterListener_WhenReportsAndRetriesArrive_ThenReportAndRoutingCountersCountThem()
    {
        var measurements = new ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == IncidentsTelemetry.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
        listener.Start();
        var request = Reports.At(world.Grids[88].InteriorPoint);

        await world.Host.ReportAsync(request);
        await world.Host.ReportAsync(request);

        // Other tests of this class may report concurrently; count at least ours.
        Assert.Contains(measurements, m => m.Instrument == "governance.reports" && Equals(m.Tags["created"], true));
        Assert.Contains(measurements, m => m.Instrument == "governance.reports" && Equals(m.Tags["created"], false));
        Assert.Contains(measurements, m => m.Instrument == "governance.routing.outcomes" && Equals(m.Tags["match"], "Exact"));
    }
}
