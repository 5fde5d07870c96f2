using System.Diagnostics;
using Governance.Domain;
using Governance.EventStore;
using Governance.Geography;
using Governance.Incidents.Demo;
using Governance.Incidents.Registry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.Incidents.Hosting;

/// <summary>
/// Opens the store before anything serves and, on an empty store, seeds the generated demo county so a
/// newcomer's first `dotnet run` has grids, departments and categories to report against.
/// </summary>
internal sealed class StoreStartup(
    IEventStore store,
    IExclusiveLease lease,
    RegistrySeeder seeder,
    RegistryCache registry,
    TimeProvider clock,
    IOptions<IncidentsOptions> options,
    ILogger<StoreStartup> logger) : IHostedService
{
    /// <summary>The lease a replica holds while it looks at, and perhaps seeds, an empty store.</summary>
    public const string SeedLeaseName = "seed-registry";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        // Replicas starting together on an empty shared store would each seed the county and clash stream by stream:
        // the first to take the lease seeds, the others then find it seeded.
        var seeding = await lease.AcquireAsync(SeedLeaseName, cancellationToken);
        await using (seeding.ConfigureAwait(false))
        {
            await SeedAsync(cancellationToken);
        }
        await registry.RefreshAsync(cancellationToken);
        var view = registry.Current;
        if (view.Snapshot.FindRegion(DemoCounty.Code) is not null && !view.Snapshot.Rules.Any(r => r.ScopeCode.StartsWith(DemoCounty.Code, StringComparison.Ordinal)))
        {
            // The seeder writes the matrix last, so a demo county without rules was interrupted part-way. It is not
            // re-generated over what is stored: tessellation is deterministic per platform, not across platforms,
            // and a redrawn grid would clash with the stored one.
            logger.LogWarning(
                "The demo county {County} in {Directory} is incomplete ({Grids} grids, no responsibility rules): its first start was interrupted. Stop the host, delete that folder and start again.",
                DemoCounty.Code, options.Value.DataDirectory, view.GridCodes.Count);
        }
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.SeedDemoCounty || (await store.ReadCategoryAsync("region", 0, 1, cancellationToken)).Count > 0)
        {
            return;
        }
        var started = Stopwatch.StartNew();
        var layout = DemoCounty.Generate();
        var generated = started.Elapsed;
        var written = await seeder.SeedAsync(layout, Actor.System("demo-seeder"), clock.GetUtcNow(), cancellationToken);
        logger.LogInformation(
            "Seeded the demo county {County} {Name}: {Townships} townships, {Villages} villages, {Grids} grids, {Events} registry events (generated in {Generated} ms, stored in {Stored} ms)",
            layout.CountyCode, layout.CountyName, layout.Townships.Count, layout.Villages.Count, layout.Grids.Count, written,
            (long)generated.TotalMilliseconds, (long)(started.Elapsed - generated).TotalMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>The demo county: a synthetic outline near 慈溪 tessellated like a real county-level city (about 1,724 grids).</summary>
public static class DemoCounty
{
    public const string Code = "330290";
    public const string Name = "甬北县";

    public static CountyLayout Generate() =>
        CountyLayout.Generate(SyntheticCounty.Outline(), Code, Name, new TessellationOptions(), nameSeed: 7);
}
