using Governance.Contracts.V1;
using Governance.Domain.Calendar;
using Governance.Incidents.Hosting;
using Governance.Incidents.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>
/// A deployment for one county: its boundary file (as a ConfigMap mounts it) seeds an empty store with that county,
/// and its calendar file lays the county's own days over the national calendar.
/// </summary>
public sealed class CountySettingsTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "governance-tests", "county-" + Guid.NewGuid().ToString("N"));

    public CountySettingsTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task GivenACountyBoundaryAndCalendarFile_WhenTheHostStartsOnAnEmptyStore_ThenThatCountyIsSeededAndItsDaysOffCount()
    {
        // A 6 km x 5 km rectangle near 余姚, in WGS84, in the shape of a DataV boundary file.
        var boundary = Path.Combine(_folder, "boundary.geojson");
        await File.WriteAllTextAsync(boundary, """
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"adcode":330299,"name":"试点县"},
             "geometry":{"type":"Polygon","coordinates":[[[121.10,30.00],[121.16,30.00],[121.16,30.045],[121.10,30.045],[121.10,30.00]]]}}]}
            """);
        var calendar = Path.Combine(_folder, "calendar.json");
        await File.WriteAllTextAsync(calendar, """
            {"kind":"local","name":"试点县 2026 地方休息日","years":[{"year":2026,"holidays":[{"name":"县庆","off":["2026-03-03"]}]}]}
            """);

        await using var host = await StandaloneHost.StartAsync(settings:
        [
            $"--Incidents:County:BoundaryFile={boundary}",
            "--Incidents:County:Code=330299",
            "--Incidents:County:Name=试点县",
            $"--Incidents:CalendarFile={calendar}",
        ]);

        var grids = await host.ListGridsAsync();
        Assert.NotEmpty(grids);
        Assert.All(grids, g => Assert.Equal("330299", g.County.Code));
        Assert.DoesNotContain(grids, g => g.County.Code == DemoCounty.Code);
        var inside = await host.LookupAsync(new LookupLocationRequest
        {
            Location = new Location { Point = Reports.Point(121.13, 30.02), CoordinateSystem = CoordinateSystem.Wgs84 },
        });
        Assert.Equal("330299", inside.Routing.CountyCode);

        var days = host.Services.GetRequiredService<WorkingCalendar>();
        Assert.False(days.IsWorkingDay(new DateOnly(2026, 3, 3)), "the county's own day off (a Tuesday)");
        Assert.True(days.IsWorkingDay(new DateOnly(2026, 3, 4)));
        Assert.False(days.IsWorkingDay(new DateOnly(2026, 10, 1)), "the national days still hold");
    }

    [Theory]
    [InlineData("--Incidents:County:BoundaryFile=/nonexistent/boundary.geojson|--Incidents:County:Code=330299|--Incidents:County:Name=x", "Incidents:County:BoundaryFile")]
    [InlineData("--Incidents:County:BoundaryFile={boundary}|--Incidents:County:Code=3302|--Incidents:County:Name=x", "Incidents:County:Code")]
    [InlineData("--Incidents:County:BoundaryFile={boundary}|--Incidents:County:Code=330299", "Incidents:County:Name")]
    [InlineData("--Incidents:County:BoundaryFile={boundary}|--Incidents:County:Code=330299|--Incidents:County:Name=x|--Incidents:County:CoordinateSystem=BD09", "Incidents:County:CoordinateSystem")]
    [InlineData("--Incidents:CalendarFile=/nonexistent/calendar.json", "Incidents:CalendarFile")]
    public async Task GivenABadCountySetting_WhenTheHostStarts_ThenItRefusesNamingTheSetting(string settings, string named)
    {
        var boundary = Path.Combine(_folder, "boundary.geojson");
        await File.WriteAllTextAsync(boundary, "{}");
        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            StandaloneHost.StartAsync(dataDirectory: Path.Combine(_folder, "data"), settings: settings.Replace("{boundary}", boundary, StringComparison.Ordinal).Split('|')));
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
    }
}
