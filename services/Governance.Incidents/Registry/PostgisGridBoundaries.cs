using Governance.Incidents.Hosting;
using Governance.Incidents.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Governance.Incidents.Registry;

/// <summary>
/// With the PostgreSQL store, the registry's grid boundaries as PostGIS geometries in <c>registry_grids</c> (SRID
/// 4326, GiST-indexed), so the county's GIS staff can query and map the grids the router uses with their own tools
/// (QGIS, ST_Contains, joins with their layers). A projection of the registry streams: the stored WKB goes in as it
/// is (<c>ST_GeomFromWKB</c>), written whenever the registry view moves on. Every replica may write it; a row only ever
/// moves to a later registry position. Where the server lacks the PostGIS extension it logs that once and does nothing:
/// routing never reads this table.
/// </summary>
public sealed class PostgisGridBoundaries(
    RegistryCache registry,
    IServiceProvider services,
    IOptions<IncidentsOptions> options,
    ILogger<PostgisGridBoundaries> logger) : BackgroundService
{
    private const int SchemaVersion = 1;

    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private const string Create = """
        CREATE EXTENSION IF NOT EXISTS postgis;
        CREATE TABLE IF NOT EXISTS registry_grids (
            code              text     PRIMARY KEY,
            name              text     NOT NULL,
            village_code      text     NOT NULL,
            township_code     text     NOT NULL,
            county_code       text     NOT NULL,
            retired           boolean  NOT NULL,
            registry_position bigint   NOT NULL,
            boundary          geometry(Geometry, 4326) NOT NULL
        );
        CREATE INDEX IF NOT EXISTS registry_grids_boundary ON registry_grids USING gist (boundary);
        """;

    /// <summary>The registry position the table reflects (0 until written once).</summary>
    public long Position { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Store.ResolvedProvider != StoreProvider.Postgres)
        {
            return;
        }
        // Resolved only here: with the SQLite store there is no data source to make.
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        try
        {
            await registry.Loaded.WaitAsync(stoppingToken).ConfigureAwait(false);
            await PostgresSchema.EnsureAsync(dataSource, "registry_grids", SchemaVersion, Create, "DROP TABLE IF EXISTS registry_grids;", stoppingToken).ConfigureAwait(false);
        }
        catch (PostgresException e)
        {
            // Missing from the server (UndefinedFile), or the service's role may not create it (InsufficientPrivilege:
            // then a superuser runs CREATE EXTENSION postgis in this database once). Routing never needs this table.
            logger.LogWarning("Registry: PostGIS is not available in this database ({Reason}); grid boundaries are not written to registry_grids. Install the extension (Debian: postgresql-postgis) and create it in the database to have them", e.MessageText);
            return;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var view = registry.Current;
                if (view.Position > Position)
                {
                    await WriteAsync(dataSource, view, stoppingToken).ConfigureAwait(false);
                    Position = view.Position;
                }
                await Task.Delay(CheckInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning(e, "Registry: writing the grid boundaries to registry_grids failed; trying again");
                await Task.Delay(CheckInterval * 10, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task WriteAsync(NpgsqlDataSource dataSource, RegistryView view, CancellationToken cancellationToken)
    {
        // In code order: two replicas writing at once then lock the rows in the same order and cannot deadlock.
        var grids = view.Snapshot.Grids.OrderBy(g => g.Code, StringComparer.Ordinal).ToList();
        var codes = new string[grids.Count];
        var names = new string[grids.Count];
        var villages = new string[grids.Count];
        var townships = new string[grids.Count];
        var counties = new string[grids.Count];
        var retired = new bool[grids.Count];
        var boundaries = new byte[grids.Count][];
        for (var i = 0; i < grids.Count; i++)
        {
            var grid = grids[i];
            codes[i] = grid.Code;
            names[i] = grid.Name;
            var location = view.Snapshot.Locate(grid.Code);
            villages[i] = location.VillageCode;
            townships[i] = location.TownshipCode;
            counties[i] = location.CountyCode;
            retired[i] = grid.IsRetired;
            boundaries[i] = grid.BoundaryWkb;
        }
        await using var command = dataSource.CreateCommand("""
            INSERT INTO registry_grids (code, name, village_code, township_code, county_code, retired, registry_position, boundary)
            SELECT g.code, g.name, g.village, g.township, g.county, g.retired, $8, ST_GeomFromWKB(g.wkb, 4326)
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::bytea[])
                 AS g (code, name, village, township, county, retired, wkb)
            ON CONFLICT (code) DO UPDATE SET
                name = excluded.name, village_code = excluded.village_code, township_code = excluded.township_code,
                county_code = excluded.county_code, retired = excluded.retired,
                registry_position = excluded.registry_position, boundary = excluded.boundary
            WHERE registry_grids.registry_position < excluded.registry_position;
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = codes });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = names });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = villages });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = townships });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = counties });
        command.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = retired });
        command.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = boundaries });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = view.Position });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
