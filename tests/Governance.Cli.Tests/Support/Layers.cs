using System.Globalization;
using System.Text;
using Governance.Domain.Routing;
using Governance.EventStore;
using Governance.Incidents.Registry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Cli.Tests.Support;

/// <summary>Small GeoJSON layers written by the tests, and the registry read back from a store.</summary>
public static class Layers
{
    /// <summary>A FeatureCollection of axis-aligned rectangles (lon/lat degrees) with the given codes and names.</summary>
    public static string Rectangles(params (string Code, string Name, double West, double South, double East, double North)[] features)
    {
        var json = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
        for (var i = 0; i < features.Length; i++)
        {
            var (code, name, w, s, e, n) = features[i];
            json.Append(i == 0 ? "" : ",").Append(CultureInfo.InvariantCulture,
                $"{{\"type\":\"Feature\",\"properties\":{{\"code\":\"{code}\",\"name\":\"{name}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":[[[{w},{s}],[{e},{s}],[{e},{n}],[{w},{n}],[{w},{s}]]]}}}}");
        }
        return json.Append("]}").ToString();
    }

    /// <summary>
    /// Generates a small county (2 townships, 30 grids) inside a 10 km square near 慈溪 into <paramref name="dataDirectory"/>
    /// through the CLI, so tests that need regions to exist do not depend on the shared reference data.
    /// </summary>
    public static async Task<CliRun> GenerateSmallCountyAsync(TempDirectory folder, string dataDirectory)
    {
        var outline = folder.File("outline.geojson");
        await File.WriteAllTextAsync(outline, Rectangles((SmallCounty.Code, SmallCounty.Name, 121.00, 30.00, 121.10, 30.09)));
        return await GovernanceCli.SucceedAsync(
            "generate-county", "--data", dataDirectory, "--outline", outline, "--feature", SmallCounty.Code,
            "--code-property", "code", "--name-property", "name", "--crs", "wgs84", "--townships", "2", "--grids", "30");
    }

    public static async Task<RegistrySnapshot> ReadRegistryAsync(string dataDirectory)
    {
        await using var store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = Path.Combine(dataDirectory, "events.db") });
        await store.InitializeAsync();
        using var cache = new RegistryCache(store, NullLogger<RegistryCache>.Instance);
        await cache.RefreshAsync(CancellationToken.None);
        return cache.Current.Snapshot;
    }
}

/// <summary>The county <see cref="Layers.GenerateSmallCountyAsync"/> makes.</summary>
public static class SmallCounty
{
    public const string Code = "330291";
    public const string Name = "试验县";

    /// <summary>Subdistricts are numbered from 001 and their communities from 001, so this village always exists.</summary>
    public const string FirstVillage = "330291001001";
}
