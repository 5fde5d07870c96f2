using System.Text.Json.Nodes;
using Governance.Geography;
using Governance.Testing;
using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>
/// The files a county overlay ships: the outline must be the project's own generated data (the repository holds no
/// third-party boundaries) and the calendar the national one the domain embeds, not a copy that drifted.
/// </summary>
public class CountyFilesTests
{
    private static string Overlay => Path.Combine(DeployPaths.Overlays, "yongbei-330290");

    [Fact]
    public void The_demo_countys_boundary_is_the_synthetic_outline_the_demo_seeder_generates()
    {
        using var file = File.OpenRead(Path.Combine(Overlay, "files", "boundary.geojson"));
        var feature = Assert.Single(GeoJsonLayerReader.Read(file, new GeoJsonLayerOptions { CodeProperty = "code", NameProperty = "name" }));
        var county = SourceFiles.ReadEnvFile(Path.Combine(Overlay, "county.env"));
        Assert.Equal(county["Incidents__County__Code"], feature.Code);
        Assert.Equal(county["Incidents__County__Name"], feature.Name);
        var outline = SyntheticCounty.Outline();
        Assert.True(outline.EqualsExact(feature.Geometry),
            $"boundary.geojson ({feature.Geometry.NumPoints} points) is not SyntheticCounty.Outline() ({outline.NumPoints} points); regenerate it from the outline");
    }

    [Fact]
    public void The_demo_countys_calendar_is_the_national_calendar_the_domain_embeds()
    {
        var embedded = File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, "services", "Governance.Domain", "Calendar", "china-2025-2026.json"));
        Assert.Equal(embedded, File.ReadAllBytes(Path.Combine(Overlay, "files", "calendar.json")));
    }

    [Fact]
    public void The_overlay_generates_the_county_files_and_settings_the_base_mounts()
    {
        var kustomization = Yaml.ReadFile(Path.Combine(Overlay, "kustomization.yaml"));
        var generators = kustomization.Arr("configMapGenerator").Objects().ToDictionary(g => g.Str("name")!, g => g);
        Assert.Equal(
            ["boundary.geojson=files/boundary.geojson", "calendar.json=files/calendar.json"],
            generators["county-files"].Arr("files").Strings().Order(StringComparer.Ordinal));
        Assert.Equal(["county.env"], generators["county-settings"].Arr("envs").Strings());
        var incidents = SourceFiles.BaseResources().Deployments().Single(d => d.Name == "incidents");
        Assert.Equal("county-files", incidents.Volume("county-files")?.Str("configMap", "name"));
        Assert.Contains(incidents.AppContainer().Arr("envFrom").Objects(), e => e.Str("configMapRef", "name") == "county-settings");
        Assert.IsType<JsonArray>(kustomization.At("resources"));
    }
}
