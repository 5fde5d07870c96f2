using Governance.Domain;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.Incidents.Registry;

namespace Governance.Incidents.Demo;

/// <summary>
/// Writes a generated county and its catalogue into the registry streams, parents before children and the matrix
/// last (its rules are checked against the departments and regions already written). Independent streams are
/// written concurrently so the store's group commit turns two thousand definitions into a few transactions.
/// Re-running it writes nothing: defining the same thing again is a no-op in the domain.
/// </summary>
public sealed class RegistrySeeder(RegistryWriter writer)
{
    private const int Parallelism = 64;

    public async Task<int> SeedAsync(CountyLayout layout, Actor by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var catalogue = layout.Catalogue();
        var seed = catalogue.ToSeed(by, now);
        var written = 0;
        var city = seed.Regions[0].Code[..4] + "00";
        written += await writer.ExecuteAsync(new DefineRegion(city, CityName(city), by, now), cancellationToken).ConfigureAwait(false);
        // County, then townships (the catalogue lists them in that order), then villages, then grids.
        foreach (var region in seed.Regions)
        {
            written += await writer.ExecuteAsync(region, cancellationToken).ConfigureAwait(false);
        }
        written += await RunAsync(layout.VillageCommands(by, now), c => writer.ExecuteAsync(c, cancellationToken)).ConfigureAwait(false);
        written += await RunAsync(layout.GridCommands(by, now), c => writer.ExecuteAsync(c, cancellationToken)).ConfigureAwait(false);
        written += await RunAsync(seed.Departments, c => writer.ExecuteAsync(c, cancellationToken)).ConfigureAwait(false);
        written += await RunAsync(seed.Categories, c => writer.ExecuteAsync(c, cancellationToken)).ConfigureAwait(false);

        var snapshot = RegistrySnapshot.From(
            [.. catalogue.Regions, .. layout.Villages.Select(v => new Region(v.Code, v.Name, Domain.Regions.RegionLevel.Village, v.Code[..9]))],
            [.. layout.Grids.Select(g => new Grid(g.Code, g.Name, g.Code[..12], [], []))],
            catalogue.Departments,
            catalogue.Categories,
            []);
        written += await writer.ExecuteAsync(layout.CountyCode, [.. seed.Rules], snapshot, cancellationToken).ConfigureAwait(false);
        return written;
    }

    private static async Task<int> RunAsync<T>(IEnumerable<T> commands, Func<T, Task<int>> execute)
    {
        var total = 0;
        await Parallel.ForEachAsync(commands, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (command, _) =>
        {
            Interlocked.Add(ref total, await execute(command).ConfigureAwait(false));
        }).ConfigureAwait(false);
        return total;
    }

    private static string CityName(string cityCode) => cityCode switch
    {
        "330200" => "宁波市",
        "330600" => "绍兴市",
        "321300" => "宿迁市",
        _ => cityCode + "市",
    };
}
