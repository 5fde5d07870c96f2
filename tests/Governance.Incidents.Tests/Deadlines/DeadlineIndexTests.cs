using Governance.Domain.Incidents;
using Governance.Incidents.Deadlines;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Governance.Incidents.Tests.Deadlines;

/// <summary>The due-time index on real SQLite files in a temporary folder.</summary>
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
    public async Task GivenRowsAndCheckpointApplied_WhenReopened_ThenBothAreThere()
    {
        await using (var index = await OpenAsync())
        {
            Assert.Equal(0, await index.GetCheckpointAsync(default));
            await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96), Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Overdue, 120)])],
                ["inc-9"], 7, default);
        }

        await using var reopened = await OpenAsync();
        Assert.Null(reopened.RebuildReason);
        Assert.Equal(7, await reopened.GetCheckpointAsync(default));
        Assert.Equal([Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96), Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Overdue, 120)],
            await reopened.GetAlarmsAsync("inc-1", default));
        Assert.Equal(["inc-9"], await reopened.GetDeferredAsync(default));
        Assert.Equal([Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)], await reopened.GetDueAsync(Monday.AddMinutes(100), 10, default));
        Assert.Equal(Monday.AddMinutes(120), await reopened.GetNextDueAfterAsync(Monday.AddMinutes(100), default));
        Assert.Null(await reopened.GetNextDueAfterAsync(Monday.AddMinutes(120), default));
    }

    [Fact]
    public async Task GivenAnIncidentsRows_WhenReplaced_ThenOnlyTheNewRowsRemain_AndAnEmptyListClearsThem()
    {
        await using var index = await OpenAsync();
        await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)]), new("inc-2", [Alarm("inc-2", DeadlineKind.Handle, AlarmLevel.Overdue, 500)])], [], 3, default);

        await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Handle, AlarmLevel.Warning, 400)])], [], 5, default);
        Assert.Equal([Alarm("inc-1", DeadlineKind.Handle, AlarmLevel.Warning, 400)], await index.GetAlarmsAsync("inc-1", default));

        await index.ApplyAsync([new("inc-2", [])], [], 6, default);
        Assert.Empty(await index.GetAlarmsAsync("inc-2", default));
        Assert.Equal(6, await index.GetCheckpointAsync(default));
    }

    [Fact]
    public async Task GivenAnApplyThatFailsPartWay_WhenReopened_ThenNeitherItsRowsNorItsCheckpointWereKept()
    {
        await using (var index = await OpenAsync())
        {
            await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)])], [], 4, default);

            // inc-1's rows are deleted and inc-2's first row inserted before the duplicate key fails the transaction.
            var duplicate = Alarm("inc-2", DeadlineKind.Sign, AlarmLevel.Overdue, 120);
            await Assert.ThrowsAsync<SqliteException>(() =>
                index.ApplyAsync([new("inc-1", []), new("inc-2", [duplicate, duplicate])], [], 9, default));
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(4, await reopened.GetCheckpointAsync(default));
        Assert.Equal([Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)], await reopened.GetAlarmsAsync("inc-1", default));
        Assert.Empty(await reopened.GetAlarmsAsync("inc-2", default));
    }

    [Fact]
    public async Task GivenACheckpoint_WhenAnApplyWouldMoveItBack_ThenItIsRefused()
    {
        await using var index = await OpenAsync();
        await index.ApplyAsync([], [], 10, default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 1)])], [], 9, default));
        Assert.Empty(await index.GetAlarmsAsync("inc-1", default));
    }

    [Fact]
    public async Task GivenARowMovedByTheProjection_WhenTheOldDueTimeIsRemoved_ThenTheMovedRowStays()
    {
        await using var index = await OpenAsync();
        var old = Alarm("inc-1", DeadlineKind.Handle, AlarmLevel.Overdue, 480);
        var moved = old with { DueAt = old.DueAt.AddDays(2) };
        await index.ApplyAsync([new("inc-1", [moved])], [], 2, default);

        Assert.False(await index.RemoveAsync(old, default));
        Assert.True(await index.RemoveAsync(moved, default));
        Assert.Empty(await index.GetAlarmsAsync("inc-1", default));
    }

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
