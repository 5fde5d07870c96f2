using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Governance.ServiceDefaults;

/// <summary>
/// Cross-cutting defaults every Governance service takes once: OpenTelemetry (traces, metrics, logs)
/// and the health endpoints. OpenTelemetry.Extensions.Hosting and the Instrumentation packages are not
/// obtainable here, so the SDK's builders are wired directly and ASP.NET Core's own ActivitySource and
/// meters provide the server spans and HTTP metrics.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Names of every ActivitySource and Meter the Governance code emits; one list so none is forgotten.</summary>
    public static readonly string[] TelemetrySources =
    [
        "Governance.Grpc",
        "Governance.Incidents",
        "Governance.EventStore",
        "Governance.PubSub",
        "Governance.Analytics",
    ];

    private const string LivenessTag = "live";

    /// <param name="builder">The host's builder.</param>
    /// <param name="serviceName">
    /// The service.name of everything this process exports (its Dapr app id, say); OTEL_SERVICE_NAME overrides it, and
    /// without either it is the application's name.
    /// </param>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder, string? serviceName = null) where TBuilder : IHostApplicationBuilder
    {
        builder.AddGovernanceTelemetry(serviceName);
        builder.Services.AddHealthChecks()
            // Liveness says only that the process answers; readiness checks registered by each feature say
            // whether it can serve (store open, registry loaded).
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LivenessTag]);
        return builder;
    }

    /// <summary>
    /// Traces, metrics and logs over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. The exporter and the SDK read their
    /// OTEL_* settings (OTEL_EXPORTER_OTLP_PROTOCOL, _HEADERS, _TIMEOUT, the per-signal endpoints,
    /// OTEL_BSP_SCHEDULE_DELAY, OTEL_METRIC_EXPORT_INTERVAL, OTEL_BLRP_SCHEDULE_DELAY) from the host's configuration, so
    /// a setting given on the command line or in appsettings counts like an environment variable. With the endpoint
    /// from OTEL_EXPORTER_OTLP_ENDPOINT and http/protobuf, each signal goes to {endpoint}/v1/traces, /v1/metrics and
    /// /v1/logs; the protocol defaults to grpc. The SDK's defaults (5 s span batches, 60 s metric exports) hold unless
    /// those variables say otherwise.
    /// </summary>
    private static void AddGovernanceTelemetry<TBuilder>(this TBuilder builder, string? serviceName) where TBuilder : IHostApplicationBuilder
    {
        var configuration = builder.Configuration;
        var name = configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } configured ? configured : serviceName ?? builder.Environment.ApplicationName;
        var resource = ResourceBuilder.CreateDefault().AddService(name);
        // Export only when a collector is configured: with no endpoint there is nobody to send to, and an
        // exporter retrying into the void costs CPU on the hot path.
        var otlpEndpoint = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var export = !string.IsNullOrWhiteSpace(otlpEndpoint);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            if (export)
            {
                // Logging's provider lives in the host's container, so it reads the host's configuration already.
                logging.AddOtlpExporter();
            }
        });

        if (!export)
        {
            // Spans are still created (ActivitySource listeners in tests see them); nothing is exported.
            return;
        }

        // The SDK builders have a container of their own, which would read OTEL_* from environment variables only; the
        // host's configuration replaces it there (a registered instance, so the SDK never disposes it).
        var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .ConfigureServices(services => services.AddSingleton<IConfiguration>(configuration))
            .SetResourceBuilder(resource)
            .AddSource(TelemetrySources)
            .AddSource("Microsoft.AspNetCore")
            .AddOtlpExporter()
            .Build();
        var meterProvider = Sdk.CreateMeterProviderBuilder()
            .ConfigureServices(services => services.AddSingleton<IConfiguration>(configuration))
            .SetResourceBuilder(resource)
            .AddMeter(TelemetrySources)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddOtlpExporter()
            .Build();
        // Created by a factory, so the host's container disposes it on shutdown, after every hosted service stopped: the
        // providers then flush what is buffered (a registered instance would never be disposed, and its last spans lost).
        builder.Services.AddHostedService(_ => new TelemetryProviders(tracerProvider, meterProvider));
    }

    /// <summary>Maps /health (readiness: every check) and /alive (liveness: only the process itself).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LivenessTag) });
        return app;
    }

    /// <summary>Holds the providers for the host's lifetime and shuts them down (flushing) when the host is disposed.</summary>
    private sealed class TelemetryProviders(TracerProvider tracing, MeterProvider metrics) : IHostedService, IDisposable
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
            tracing.Dispose();
            metrics.Dispose();
        }
    }
}
