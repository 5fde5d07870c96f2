using Governance.Contracts.V1;
using Governance.Testing;
using Npgsql;
using Xunit;

namespace Governance.Cluster.Tests;

/// <summary>
/// On PostgreSQL with PostGIS, the registry's grid boundaries are queryable as geometries: every grid the service
/// routes to is in registry_grids, and PostGIS puts each grid's interior point in that grid and no other.
/// </summary>
public sealed class PostgisGridTests
{
    [PostgisFact]
    public async Task GivenTheDemoCountySeededOnPostgres_WhenPostgisIsAskedWhereEachInteriorPointLies_ThenItAnswersTheServicesGrid()
    {
        await using var cluster = await Replicas.CreateAsync();
        var replica = await cluster.StartOneAsync("--PubSub:Mode=Embedded");
        var client = cluster.Client(replica);
        var grids = new List<Grid>();
        var token = "";
        do
        {
            var page = await client.UnaryAsync<ListGridsRequest, ListGridsResponse>(GovernanceServices.RegistryService.Method("ListGrids"),
                new ListGridsRequest { PageSize = 1000, PageToken = token });
            grids.AddRange(page.Grids);
            token = page.NextPageToken;
        } while (token.Length > 0);

        await using var dataSource = NpgsqlDataSource.Create(cluster.ConnectionString);
        await TestDaprSidecar.WaitUntilAsync(() => CountRows(dataSource) == grids.Count, "the grid boundaries in registry_grids", TimeSpan.FromSeconds(60));

        await using var command = dataSource.CreateCommand("""
            SELECT p.code, array_agg(g.code ORDER BY g.code) FILTER (WHERE g.code IS NOT NULL)
            FROM unnest($1::text[], $2::float8[], $3::float8[]) AS p (code, lon, lat)
            LEFT JOIN registry_grids g ON ST_Covers(g.boundary, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
            GROUP BY p.code;
            """);
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. grids.Select(g => g.Code)] });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. grids.Select(g => g.InteriorPoint.Longitude)] });
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = [.. grids.Select(g => g.InteriorPoint.Latitude)] });
        var found = new Dictionary<string, string[]>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                found[reader.GetString(0)] = reader.IsDBNull(1) ? [] : reader.GetFieldValue<string[]>(1);
            }
        }
        Assert.Equal(grids.Count, found.Count);
        Assert.All(grids, g => Assert.Equal([g.Code], found[g.Code]));

        // The SRID, and the area of a sample of grids as GetGrid reports it (within 0.5 %, geodesic both ways).
        foreach (var sample in grids.Where((_, i) => i % 97 == 0))
        {
            var grid = (await client.UnaryAsync<GetGridRequest, GetGridResponse>(GovernanceServices.RegistryService.Method("GetGrid"),
                new GetGridRequest { Code = sample.Code })).Grid;
            await using var area = dataSource.CreateCommand("SELECT ST_SRID(boundary), ST_Area(boundary::geography) FROM registry_grids WHERE code = $1;");
            area.Parameters.Add(new NpgsqlParameter<string> { TypedValue = sample.Code });
            await using var row = await area.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.Equal(4326, row.GetInt32(0));
            Assert.True(grid.AreaSquareMeters > 0);
            Assert.InRange(row.GetDouble(1), grid.AreaSquareMeters * 0.995, grid.AreaSquareMeters * 1.005);
        }
    }

    private static long CountRows(NpgsqlDataSource dataSource)
    {
        try
        {
            using var command = dataSource.CreateCommand("SELECT count(*) FROM registry_grids;");
            return (long)command.ExecuteScalar()!;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return -1;
        }
    }
}
