using Governance.Incidents.Publishing;
using Xunit;

namespace Governance.Incidents.Tests.Publishing;

/// <summary>The relay's checkpoint file: one row per relay, kept across restarts, started afresh when unreadable.</summary>
public sealed class RelayCheckpointTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "governance-tests", "checkpoint-" + Guid.NewGuid().ToString("N"));

    private string FilePath => Path.Combine(_folder, "relay.db");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task GivenANewFile_WhenPositionsAreStoredAndTheFileIsOpenedAgain_ThenEachRelayResumesFromItsOwn()
    {
        await using (var checkpoint = new RelayCheckpoint(FilePath))
        {
            await checkpoint.OpenAsync(default);
            Assert.Equal(0, await checkpoint.GetAsync("incident-life", default));
            await checkpoint.SetAsync("incident-life", 41, At, default);
            await checkpoint.SetAsync("incident-life", 97, At, default);
            await checkpoint.SetAsync("other", 5, At, default);
        }

        await using var reopened = new RelayCheckpoint(FilePath);
        await reopened.OpenAsync(default);

        Assert.Equal(97, await reopened.GetAsync("incident-life", default));
        Assert.Equal(5, await reopened.GetAsync("other", default));
        Assert.Null(reopened.ResetReason);
    }

    [Fact]
    public async Task GivenAGarbledFile_WhenOpened_ThenItStartsAfreshFromZeroSayingWhy()
    {
        Directory.CreateDirectory(_folder);
        await File.WriteAllBytesAsync(FilePath, [.. Enumerable.Repeat((byte)0x5a, 8192)]);

        await using var checkpoint = new RelayCheckpoint(FilePath);
        await checkpoint.OpenAsync(default);

        Assert.Equal(0, await checkpoint.GetAsync("incident-life", default));
        Assert.Contains("unreadable", checkpoint.ResetReason);
        await checkpoint.SetAsync("incident-life", 3, At, default);
        Assert.Equal(3, await checkpoint.GetAsync("incident-life", default));
    }

    [Fact]
    public async Task GivenANegativePosition_WhenStored_ThenItIsRefusedAndTheStoredOneStays()
    {
        await using var checkpoint = new RelayCheckpoint(FilePath);
        await checkpoint.OpenAsync(default);
        await checkpoint.SetAsync("incident-life", 12, At, default);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => checkpoint.SetAsync("incident-life", -1, At, default));

        Assert.Equal(12, await checkpoint.GetAsync("incident-life", default));
    }
}
