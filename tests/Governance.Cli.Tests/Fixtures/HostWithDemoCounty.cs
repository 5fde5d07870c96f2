using Governance.Cli.Tests.Support;
using Governance.Contracts.V1;

namespace Governance.Cli.Tests.Fixtures;

/// <summary>A running host with the generated demo county (about 1,724 grids) seeded on start, shared by a test class.</summary>
public sealed class HostWithDemoCounty : IAsyncLifetime
{
    private readonly TempDirectory _data = new();

    public GovernanceHost Host { get; private set; } = null!;

    public string Address => Host.Address;

    /// <summary>The token to pass as --token: a grid worker wg-001 of the demo county.</summary>
    public string Token => Host.Token;

    /// <summary>The host's data folder, where its signing key is.</summary>
    public string DataDirectory => _data.Path;

    /// <summary>How many grids the host serves, as it says itself.</summary>
    public int GridCount { get; private set; }

    /// <summary>A few grids with their interior points, to report and look up at.</summary>
    public IReadOnlyList<Grid> Grids { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Host = await GovernanceHost.StartAsync(_data.Path, seedDemoCounty: true);
        var page = await Host.FirstGridsAsync(50);
        GridCount = page.TotalCount;
        Grids = page.Grids;
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        _data.Dispose();
    }
}
