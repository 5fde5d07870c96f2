using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.EventStore;
using Governance.Grpc;
using Governance.Incidents.Api;
using Governance.Incidents.Deadlines;
using Governance.Incidents.Demo;
using Governance.Incidents.Publishing;
using Governance.Incidents.Registry;
using Governance.Incidents.Reporting;
using Governance.Incidents.Routing;
using Governance.Incidents.Storage;
using Governance.Incidents.Worklists;
using Governance.PubSub;
using Governance.Security;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Governance.Incidents.Hosting;

public static class IncidentsExtensions
{
    /// <summary>
    /// The incident service: its store (embedded SQLite, or PostgreSQL shared by replicas), the registry and routing, reporting, bearer-token
    /// authentication, the gRPC services with domain errors mapped to gRPC statuses, and the relay that publishes
    /// every incident's life over pub/sub (PubSub section). The host must call app.UseAuthentication() before mapping
    /// the services.
    /// </summary>
    public static TBuilder AddIncidents<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var services = builder.Services;
        services.AddOptions<IncidentsOptions>()
            .Bind(builder.Configuration.GetSection(IncidentsOptions.SectionName))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();

        // TryAdd: a host (or a test driving deadlines) may bring its own clock.
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var file = sp.GetRequiredService<IOptions<IncidentsOptions>>().Value.CalendarFile;
            return string.IsNullOrWhiteSpace(file) ? WorkingCalendar.ChinaDefault : WorkingCalendar.ChinaDefault.WithLocalDays(File.ReadAllText(file));
        });
        AddStore(services);
        services.AddSingleton<DomainStreams>();
        services.AddSingleton<RegistryCache>();
        services.AddSingleton<RegistryWriter>();
        services.AddSingleton<RegistrySeeder>();
        services.AddSingleton<Router>();
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<IncidentProjection>();
        services.AddSingleton<DuplicateFinder>();
        services.AddSingleton<WorklistWatch>();
        services.AddSingleton<IncidentHistory>();
        services.AddSingleton<WorklistGrpcService>();
        services.AddSingleton<ReportingService>();
        services.AddSingleton<DeadlineScheduler>();
        services.AddSingleton<IncidentGrpcService>();
        services.AddSingleton<RegistryGrpcService>();
        services.AddSingleton<WorkflowGrpcService>();

        builder.AddGovernancePubSub();
        services.AddOptions<RelayOptions>()
            .Bind(builder.Configuration.GetSection(RelayOptions.SectionName))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        services.AddSingleton<IncidentLifeRelay>();

        // Every RPC but health needs a bearer token; the signing key is checked before the store opens.
        services.AddGovernanceAuthentication(builder.Configuration, sp => sp.GetRequiredService<IOptions<IncidentsOptions>>().Value.DataDirectory);

        // Order matters: the store opens and the demo county is seeded before the registry loads and gRPC serves,
        // and before the deadline scheduler and the relay read the log (each turns itself off under its Enabled).
        services.AddHostedService<StoreStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<RegistryCache>());
        services.AddHostedService(sp => sp.GetRequiredService<IncidentProjection>());
        services.AddHostedService(sp => sp.GetRequiredService<DeadlineScheduler>());
        services.AddHostedService(sp => sp.GetRequiredService<IncidentLifeRelay>());
        services.AddHostedService<PostgisGridBoundaries>();

        services.AddGrpcServer(o => o.ExceptionMappers.Add(MapException));
        services.AddHealthChecks().AddCheck<RegistryHealthCheck>("registry").AddCheck<RelayHealthCheck>("relay");
        return builder;
    }

    /// <summary>
    /// The log, the due-time index, the relay checkpoint and the leases, all in one store (Incidents:Store): SQLite
    /// files in the data folder, or one PostgreSQL database that every replica shares.
    /// </summary>
    private static void AddStore(IServiceCollection services)
    {
        static IncidentsOptions Options(IServiceProvider sp) => sp.GetRequiredService<IOptions<IncidentsOptions>>().Value;
        // Relative to the working directory, like any command-line tool: `dotnet run` from the repository root keeps
        // its data in ./data there.
        static string InData(IServiceProvider sp, string file) => Path.Combine(Path.GetFullPath(Options(sp).DataDirectory), file);
        static bool OnPostgres(IServiceProvider sp) => Options(sp).Store.ResolvedProvider == StoreProvider.Postgres;

        services.AddSingleton<IEventStore>(sp => OnPostgres(sp)
            ? new PostgresEventStore(new PostgresEventStoreOptions { ConnectionString = Options(sp).Store.ConnectionString })
            : new SqliteEventStore(new SqliteEventStoreOptions { DataSource = InData(sp, "events.db") }));
        // One pool for the service's own tables (the event store keeps its own for its writer and readers); created
        // only with the Postgres provider, and disposed by the container.
        services.AddSingleton(sp => NpgsqlDataSource.Create(Options(sp).Store.ConnectionString));
        services.AddSingleton<IDeadlineIndex>(sp => OnPostgres(sp)
            ? new PostgresDeadlineIndex(sp.GetRequiredService<NpgsqlDataSource>())
            : new SqliteDeadlineIndex(InData(sp, "deadlines.db")));
        services.AddSingleton<IRelayCheckpoint>(sp => OnPostgres(sp)
            ? new PostgresRelayCheckpoint(sp.GetRequiredService<NpgsqlDataSource>())
            : new RelayCheckpoint(InData(sp, "relay.db")));
        services.TryAddSingleton<IExclusiveLease>(sp => OnPostgres(sp)
            ? new PostgresLease(new PostgresLeaseOptions { ConnectionString = Options(sp).Store.ConnectionString })
            : new InProcessLease());
    }

    public static IEndpointRouteBuilder MapIncidents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<IncidentGrpcService>(GovernanceServices.IncidentService);
        endpoints.MapGrpcService<RegistryGrpcService>(GovernanceServices.RegistryService);
        endpoints.MapGrpcService<WorkflowGrpcService>(GovernanceServices.WorkflowService);
        endpoints.MapGrpcService<WorklistGrpcService>(GovernanceServices.WorklistService);
        endpoints.MapGrpcHealthService();
        return endpoints;
    }

    /// <summary>Domain and store errors become the gRPC status a client can act on; nothing else leaks.</summary>
    internal static RpcException? MapException(Exception exception) => exception switch
    {
        DomainException d => new RpcException(d.Kind switch
        {
            DomainErrorKind.InvalidArgument => StatusCode.InvalidArgument,
            DomainErrorKind.NotFound => StatusCode.NotFound,
            DomainErrorKind.FailedPrecondition => StatusCode.FailedPrecondition,
            DomainErrorKind.AlreadyExists => StatusCode.AlreadyExists,
            _ => StatusCode.Aborted,
        }, d.Message),
        WrongExpectedVersionException w => new RpcException(StatusCode.Aborted,
            $"{w.StreamId} changed meanwhile (now at version {w.ActualVersion}); read it again and retry.")
        {
            Trailers = { ["current-version"] = w.ActualVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        },
        _ => null,
    };

    private sealed class RegistryHealthCheck(RegistryCache registry) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(!registry.Loaded.IsCompleted
                ? HealthCheckResult.Unhealthy("The registry has not been loaded yet.")
                : registry.Current.IsEmpty
                    ? HealthCheckResult.Degraded("The registry has no grids: reports go nowhere until a county is imported.")
                    : HealthCheckResult.Healthy($"{registry.Current.GridCodes.Count} grids at registry position {registry.Current.Position}."));
    }
}
