using Governance.Domain.Incidents;
using Governance.Incidents.Deadlines;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Governance.Incidents.Tests.Deadlines;

/// <summary>The due-time index on real SQLite files in a temporary folder: the shared scenarios, then what only a file has.</summary>
public sealed class DeadlineIndexTests : IDisposable
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "governance-tests", "deadline-index-" + Guid.NewGuid().ToString("N"));

    private string File => Path.Combine(_folder, "deadlines.db");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    private static DueAlarm Alarm(string incident, DeadlineKind kind, AlarmLevel level, int minutes) =>
        new(incident, "330290-CGJ", kind, level, Monday.AddMinutes(minutes));

    private async Task<SqliteDeadlineIndex> OpenAsync()
    {
        var index = new SqliteDeadlineIndex(File);
        await index.OpenAsync(CancellationToken.None);
        return index;
    }

    [Fact]
    public Task GivenRowsAndCheckpointApplied_WhenReopened_ThenBothAreThere() => DeadlineIndexScenarios.GivenRowsAndCheckpointApplied_WhenReopened_ThenBothAreThere(async () => await OpenAsync());

    [Fact]
    public Task GivenAnIncidentsRows_WhenReplaced_ThenOnlyTheNewRowsRemain_AndAnEmptyListClearsThem() => DeadlineIndexScenarios.GivenAnIncidentsRows_WhenReplaced_ThenOnlyTheNewRowsRemain_AndAnEmptyListClearsThem(async () => await OpenAsync());

    [Fact]
    public Task GivenAnApplyThatFailsPartWay_WhenReopened_ThenNeitherItsRowsNorItsCheckpointWereKept() => DeadlineIndexScenarios.GivenAnApplyThatFailsPartWay_WhenReopened_ThenNeitherItsRowsNorItsCheckpointWereKept(async () => await OpenAsync());

    [Fact]
    public Task GivenACheckpoint_WhenAnApplyWouldMoveItBack_ThenItIsRefused() => DeadlineIndexScenarios.GivenACheckpoint_WhenAnApplyWouldMoveItBack_ThenItIsRefused(async () => await OpenAsync());

    [Fact]
    public Task GivenARowMovedByTheProjection_WhenTheOldDueTimeIsRemoved_ThenTheMovedRowStays() => DeadlineIndexScenarios.GivenARowMovedByTheProjection_WhenTheOldDueTimeIsRemoved_ThenTheMovedRowStays(async () => await OpenAsync());

    [Fact]
    public async Task GivenTheFileWasDeleted_WhenOpened_ThenAnEmptyIndexAtPositionZero()
    {
        await using (var index = await OpenAsync())
        {
            await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)])], [], 12, default);
        }
        foreach (var file in Directory.GetFiles(_folder))
        {
            System.IO.File.Delete(file);
        }

        await using var rebuilt = await OpenAsync();
        Assert.Equal(0, await rebuilt.GetCheckpointAsync(default));
        Assert.Empty(await rebuilt.GetAlarmsAsync("inc-1", default));
    }

    [Fact]
    public async Task GivenACorruptFile_WhenOpened_ThenItIsRebuiltEmptyWithTheReason()
    {
        Directory.CreateDirectory(_folder);
        await System.IO.File.WriteAllBytesAsync(File, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 31))]);

        await using var index = await OpenAsync();

        Assert.NotNull(index.RebuildReason);
        Assert.Equal(0, await index.GetCheckpointAsync(default));
        await index.ApplyAsync([], [], 1, default);
        Assert.Equal(1, await index.GetCheckpointAsync(default));
    }

    [Fact]
    public async Task GivenAnIndexOfAnotherSchemaVersion_WhenOpened_ThenItIsRebuilt()
    {
        await using (var index = await OpenAsync())
        {
            await index.ApplyAsync([], [], 30, default);
        }
        await using (var connection = new SqliteConnection($"Data Source={File};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        await using var reopened = await OpenAsync();
        Assert.Contains("99", reopened.RebuildReason, StringComparison.Ordinal);
        Assert.Equal(0, await reopened.GetCheckpointAsync(default));
    }
}
