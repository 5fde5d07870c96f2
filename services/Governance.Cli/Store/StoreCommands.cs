using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Governance.Domain;
using Governance.Domain.Regions;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.Geography;
using Governance.Incidents.Demo;
using Governance.Incidents.Registry;
using Governance.Incidents.Storage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace Governance.Cli.Store;

/// <summary>
/// Commands that write registry streams straight into a store folder, as the host's own seeder does: every change is
/// an audited event, and a running host on the same folder picks it up by following the store.
/// </summary>
internal static class StoreCommands
{
    /// <summary>Recorded as the author of what these commands write, so the audit trail says where it came from.</summary>
    private static readonly Actor Importer = Actor.System("governance-cli");

    // Appends to independent streams run concurrently so the store's group commit turns many definitions into few transactions.
    private const int WriteParallelism = 64;

    // Sanity limits well above any real county, so a typo does not start an hour of tessellation.
    private const int MaxTownships = 99;
    private const int MaxGrids = 20_000;

    public static IEnumerable<Command> All() => [GenerateCounty(), ImportGrids()];

    private static Command GenerateCounty()
    {
        var data = DataOption();
        var outline = new Option<string>("--outline") { Description = "A GeoJSON FeatureCollection (or Feature) holding the county's boundary.", Required = true };
        var feature = new Option<string>("--feature") { Description = "The code of the feature to use, e.g. 330282 for 慈溪市.", Required = true };
        var codeProperty = new Option<string>("--code-property") { Description = "The feature property holding codes.", DefaultValueFactory = _ => "adcode" };
        var nameProperty = new Option<string>("--name-property") { Description = "The feature property holding names.", DefaultValueFactory = _ => "name" };
        var crs = FileCrsOption();
        var countyCode = new Option<string?>("--county-code") { Description = "The 6-digit county code to give it (default: the feature's code)." };
        var countyName = new Option<string?>("--county-name") { Description = "The county's name (default: the feature's name)." };
        var townships = new Option<int>("--townships") { Description = "How many townships (乡镇/街道) to cut it into.", DefaultValueFactory = _ => 20 };
        var grids = new Option<int>("--grids") { Description = "How many grids in all (慈溪 has 1,724).", DefaultValueFactory = _ => 1724 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of the layout and the names; the same seed gives the same county." };
        var command = new Command(
            "generate-county",
            "Cut a real county outline into townships, villages and grids and store them with the demo catalogue " +
            "(departments, categories, responsibility matrix).")
        {
            data, outline, feature, codeProperty, nameProperty, crs, countyCode, countyName, townships, grids, seed,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var file = parseResult.GetValue(outline)!;
            var featureCode = parseResult.GetValue(feature)!;
            var layer = ReadLayer(file, parseResult.GetValue(codeProperty)!, parseResult.GetValue(nameProperty), parseResult.GetValue(crs));
            var county = layer.FirstOrDefault(f => f.Code == featureCode)
                ?? throw new CliUsageException(
                    $"{file} has no feature whose {parseResult.GetValue(codeProperty)} is {featureCode}; it has {Listing(layer)}.");
            var code = parseResult.GetValue(countyCode) ?? county.Code;
            if (!RegionCode.TryParse(code, out var parsed, out var error) || parsed.Level != RegionLevel.County)
            {
                throw new CliUsageException(
                    $"{code} is not a county code ({error ?? $"it is a {parsed.Level.ToString().ToLowerInvariant()} code"}); pass --county-code with a 6-digit county code.");
            }
            var name = parseResult.GetValue(countyName) ?? county.Name;
            var options = new TessellationOptions { Townships = parseResult.GetValue(townships), Grids = parseResult.GetValue(grids) };
            if (parseResult.GetValue(seed) is { } seedValue)
            {
                options = options with { Seed = seedValue };
            }
            if (options.Townships is < 1 or > MaxTownships)
            {
                throw new CliUsageException($"--townships must be between 1 and {MaxTownships}; a county has a few dozen at most.");
            }
            if (options.Grids > MaxGrids)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--grids must be at most {MaxGrids}; the largest counties have a few thousand grids."));
            }
            var minimumGrids = options.Townships * options.MaxVillagesPerTownship;
            if (options.Grids < minimumGrids)
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--grids {options.Grids} is too few for {options.Townships} townships: each township gets up to {options.MaxVillagesPerTownship} villages and each village at least one grid, so at least {minimumGrids}."));
            }
            // The demo county's names come from seed 7; another layout seed gives other names too.
            var nameSeed = parseResult.GetValue(seed) is { } s ? (int)(s % int.MaxValue) : 7;

            var clock = Stopwatch.StartNew();
            CountyLayout layout;
            try
            {
                layout = CountyLayout.Generate(county.Geometry, code, name, options, nameSeed);
            }
            catch (ArgumentException e)
            {
                // The tessellator refuses outlines it cannot cut as asked (too small for the grids, say); that is the data's fault.
                throw new CliFailureException($"cannot cut {county.Code} {county.Name} into {options.Grids} grids: {e.Message}");
            }
            var generated = clock.Elapsed;
            var dataDirectory = parseResult.GetValue(data)!;
            await using var store = await RegistryStore.OpenAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            int written;
            try
            {
                written = await new RegistrySeeder(new RegistryWriter(new DomainStreams(store)))
                    .SeedAsync(layout, Importer, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
            }
            catch (DomainException e) when (e.Kind == DomainErrorKind.AlreadyExists)
            {
                // Seeding is idempotent only for the same layout; a different one collides on the first code.
                throw new CliFailureException(
                    $"{e.Message} County {code} is already in {RegistryStore.PathIn(dataDirectory)} with a different layout " +
                    "(other --seed, --grids, --townships or names); use a fresh --data folder, or the options it was generated with.");
            }
            var stored = clock.Elapsed - generated;

            var subdistricts = layout.Townships.Count(t => int.Parse(t.Code[6..], CultureInfo.InvariantCulture) < 100);
            output.Line(string.Create(CultureInfo.InvariantCulture,
                $"County {code} {name}: outline of feature {county.Code} {county.Name} in {Path.GetFileName(file)}, {Geodesy.AreaSquareMeters(county.Geometry) / 1e6:0.0} km²"));
            var lines = new KeyValueWriter(output.Out);
            lines.Add("townships", string.Create(CultureInfo.InvariantCulture, $"{layout.Townships.Count} ({subdistricts} subdistricts 街道, {layout.Townships.Count - subdistricts} towns 镇)"));
            lines.Add("villages", layout.Villages.Count.ToString(CultureInfo.InvariantCulture));
            lines.Add("grids", layout.Grids.Count.ToString(CultureInfo.InvariantCulture));
            lines.Add("written", string.Create(CultureInfo.InvariantCulture,
                $"{written} registry events into {RegistryStore.PathIn(dataDirectory)}{(written == 0 ? " (all of it was there already)" : "")}"));
            lines.Add("timing", string.Create(CultureInfo.InvariantCulture,
                $"generated in {generated.TotalSeconds:0.00} s, stored in {stored.TotalSeconds:0.00} s"));
            output.Line("A host running on this data folder routes against it within about a second.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command ImportGrids()
    {
        var data = DataOption();
        var file = new Option<string>("--file") { Description = "A GeoJSON FeatureCollection of grid polygons.", Required = true };
        var codeProperty = new Option<string>("--code-property") { Description = "The feature property holding the 15-digit grid codes.", Required = true };
        var nameProperty = new Option<string?>("--name-property") { Description = "The feature property holding grid names (default: the code)." };
        var crs = FileCrsOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Check everything and say what would happen, writing nothing." };
        var command = new Command(
            "import-grids",
            "Define grids from a GeoJSON layer whose features carry 15-digit grid codes. Their villages, townships and " +
            "county must be in the registry already (generate-county, or the region definitions).")
        {
            data, file, codeProperty, nameProperty, crs, dryRun,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var path = parseResult.GetValue(file)!;
            var layer = ReadLayer(path, parseResult.GetValue(codeProperty)!, parseResult.GetValue(nameProperty), parseResult.GetValue(crs));
            var dataDirectory = parseResult.GetValue(data)!;
            if (!File.Exists(RegistryStore.PathIn(dataDirectory)))
            {
                throw new CliFailureException(
                    $"there is no store in {Path.GetFullPath(dataDirectory)} ({RegistryStore.FileName} is missing), so no region to put grids under; " +
                    "run 'governance generate-county' (or start the host once) on that folder first.");
            }
            await using var store = await RegistryStore.OpenAsync(dataDirectory, cancellationToken).ConfigureAwait(false);
            var registry = await RegistryStore.LoadSnapshotAsync(store, cancellationToken).ConfigureAwait(false);

            var plan = Plan(layer, registry, DateTimeOffset.UtcNow);
            foreach (var refusal in plan.Refused)
            {
                output.Note("refused: " + refusal);
            }
            foreach (var warning in plan.Warnings)
            {
                output.Note("warning: " + warning);
            }
            var defined = plan.ToDefine.Count;
            var unchanged = plan.Unchanged;
            if (!parseResult.GetValue(dryRun))
            {
                var writer = new RegistryWriter(new DomainStreams(store));
                var written = 0;
                await Parallel.ForEachAsync(plan.ToDefine, new ParallelOptions { MaxDegreeOfParallelism = WriteParallelism, CancellationToken = cancellationToken },
                    async (grid, token) => Interlocked.Add(ref written, await writer.ExecuteAsync(grid, token).ConfigureAwait(false)))
                    .ConfigureAwait(false);
                // A grid another writer defined identically in the meantime writes nothing: it counts as unchanged.
                unchanged += defined - written;
                defined = written;
            }
            var verb = parseResult.GetValue(dryRun) ? "dry run, nothing written: would define" : "defined";
            output.Line(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(path)}: {layer.Count} features; {verb} {defined}, unchanged {unchanged}, refused {plan.Refused.Count}."));
            if (defined > 0 && !parseResult.GetValue(dryRun))
            {
                output.Line("A host running on this data folder routes to the new grids within about a second.");
            }
            return plan.Refused.Count == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    private sealed record ImportPlan(IReadOnlyList<DefineGrid> ToDefine, int Unchanged, IReadOnlyList<string> Refused, IReadOnlyList<string> Warnings);

    /// <summary>
    /// Decides every feature against the registry before anything is written, with the domain's own decider, so a dry
    /// run says exactly what a real run would do and a refusal names its feature.
    /// </summary>
    private static ImportPlan Plan(IReadOnlyList<LayerFeature> layer, RegistrySnapshot registry, DateTimeOffset now)
    {
        var toDefine = new List<DefineGrid>();
        var refused = new List<string>();
        var unchanged = 0;
        var warnings = new List<string>();
        var firstIndexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var overlaps = new OverlapCheck(registry);
        for (var i = 0; i < layer.Count; i++)
        {
            var feature = layer[i];
            var label = $"feature {i} (code {feature.Code}, {feature.Name})";
            if (!RegionCode.TryParse(feature.Code, out var code, out var error))
            {
                refused.Add($"{label}: {error} A grid code has 15 digits: the village code and a 3-digit serial.");
                continue;
            }
            if (code.Level != RegionLevel.Grid)
            {
                refused.Add($"{label}: {feature.Code} is a {code.Level.ToString().ToLowerInvariant()} code, not a 15-digit grid code (village code + 3-digit serial).");
                continue;
            }
            if (!firstIndexOf.TryAdd(feature.Code, i))
            {
                refused.Add($"{label}: feature {firstIndexOf[feature.Code]} has the same code.");
                continue;
            }
            if (MissingParent(registry, code) is { } missing)
            {
                refused.Add($"{label}: {missing}");
                continue;
            }
            var command = new DefineGrid(feature.Code, feature.Name, GeometryWkb.ToWkb(feature.Geometry), [], Importer, now);
            try
            {
                if (GridDecider.Decide(registry.FindGrid(feature.Code), command).Count == 0)
                {
                    unchanged++;
                }
                else
                {
                    toDefine.Add(command);
                    if (overlaps.Add(feature.Code, feature.Geometry) is { Count: > 0 } overlapped)
                    {
                        warnings.Add($"{label} overlaps {Listing(overlapped)}; a point in the overlap is routed to the lowest grid code.");
                    }
                }
            }
            catch (DomainException e)
            {
                refused.Add($"{label}: {e.Message}");
            }
        }
        return new ImportPlan(toDefine, unchanged, refused, warnings);
    }

    /// <summary>The highest missing or retired ancestor of a grid code, said so the operator knows what to create first.</summary>
    private static string? MissingParent(RegistrySnapshot registry, RegionCode grid)
    {
        foreach (var level in new[] { RegionLevel.County, RegionLevel.Township, RegionLevel.Village })
        {
            var code = grid.AncestorAt(level)!.Value.Value;
            var region = registry.FindRegion(code);
            var what = level.ToString().ToLowerInvariant();
            if (region is null)
            {
                return $"its {what} {code} is not in the registry; generate the county (governance generate-county) or define its regions before importing grids under it.";
            }
            if (region.IsRetired)
            {
                return $"its {what} {code} {region.Name} is retired; grids cannot be added under it.";
            }
        }
        return null;
    }

    private static string Listing(IReadOnlyList<string> codes) =>
        codes.Count == 1 ? $"grid {codes[0]}" : $"{codes.Count} grids ({string.Join(", ", codes.Take(5))}{(codes.Count > 5 ? ", ..." : "")})";

    /// <summary>
    /// Grids are meant to tile the county; the locator gives a point inside two of them to the lowest code, silently.
    /// An import that overlaps what is there (a real layer over a generated county, say) is allowed but said aloud.
    /// </summary>
    private sealed class OverlapCheck
    {
        private readonly STRtree<(string Code, Geometry Boundary)> _existing = new();
        private readonly List<(string Code, Geometry Boundary)> _added = [];

        public OverlapCheck(RegistrySnapshot registry)
        {
            foreach (var grid in registry.Grids.Where(g => !g.IsRetired))
            {
                var boundary = GeometryWkb.FromWkb(grid.BoundaryWkb);
                _existing.Insert(boundary.EnvelopeInternal, (grid.Code, boundary));
            }
        }

        public List<string> Add(string code, Geometry boundary)
        {
            var envelope = boundary.EnvelopeInternal;
            var found = _existing.Query(envelope)
                .Concat(_added.Where(a => a.Boundary.EnvelopeInternal.Intersects(envelope)))
                // Interiors meeting is an overlap; neighbours that share only a border are what a tiling is made of.
                .Where(other => other.Code != code && other.Boundary.Relate(boundary, "T********"))
                .Select(other => other.Code)
                .Order(StringComparer.Ordinal)
                .ToList();
            _added.Add((code, boundary));
            return found;
        }
    }

    private static IReadOnlyList<LayerFeature> ReadLayer(string path, string codeProperty, string? nameProperty, string? crs)
    {
        if (!File.Exists(path))
        {
            throw new CliFailureException($"{path} does not exist.");
        }
        using var stream = File.OpenRead(path);
        try
        {
            return GeoJsonLayerReader.Read(stream, new GeoJsonLayerOptions
            {
                CodeProperty = codeProperty,
                NameProperty = nameProperty,
                SourceCrs = CommonOptions.ToGeography(crs),
            });
        }
        catch (GeoJsonLayerException e)
        {
            throw new CliFailureException($"{path}: {e.Message}");
        }
    }

    private static string Listing(IReadOnlyList<LayerFeature> layer) =>
        layer.Count == 0
            ? "no features"
            : string.Join(", ", layer.Take(12).Select(f => $"{f.Code} {f.Name}")) + (layer.Count > 12 ? $" and {layer.Count - 12} more" : "");

    private static Option<string> DataOption() => new("--data")
    {
        Description = "The host's data folder (Incidents:DataDirectory); the store is events.db in it.",
        Required = true,
    };

    private static Option<string> FileCrsOption() =>
        new Option<string>("--crs")
        {
            Description = "The coordinate system of the file: gcj02 for DataV/AMap boundaries, wgs84 for GPS surveys. Stored as WGS84.",
            Required = true,
        }.AcceptOnlyFromAmong("gcj02", "wgs84");
}
