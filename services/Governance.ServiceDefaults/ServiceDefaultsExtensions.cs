using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
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
    ];

    private const string LivenessTag = "live";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddGovernanceTelemetry();
        builder.Services.AddHealthChecks()
            // Liveness says only that the process answers; readiness checks registered by each feature say
            // whether it can serve (store open, registry loaded).
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LivenessTag]);
        return builder;
    }

    private static void AddGovernanceTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName);
        // Export only when a collector is configured: with no endpoint there is nobody to send to, and an
        // exporter retrying into the void costs CPU on the hot path.
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var export = !string.IsNullOrWhiteSpace(otlpEndpoint);

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.SetResourceBuilder(resource);
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            if (export)
            {
                logging.AddOtlpExporter();
            }
        });

        if (!export)
        {
            // Spans are still created (ActivitySource listeners in tests see them); nothing is exported.
            return;
        }

        var tracerProvider = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(TelemetrySources)
            .AddSource("Microsoft.AspNetCore")
            .AddOtlpExporter()
            .Build();
        var meterProvider = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(TelemetrySources)
            .AddMeter("Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddOtlpExporter()
            .Build();
        // The host owns the providers' lifetime so that buffered spans are flushed on shutdown.
        builder.Services.AddSingleton(tracerProvider);
        builder.Services.AddSingleton(meterProvider);
    }

    /// <summary>Maps /health (readiness: every check) and /alive (liveness: only the process itself).</summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health");
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LivenessTag) });
        return app;
    }
}
