using Governance.Domain.Incidents;
using Governance.Incidents.Deadlines;
using Xunit;

namespace Governance.Incidents.Tests.Deadlines;

/// <summary>What every due-time index must do, whatever it is stored in; each store's test class runs all of these.</summary>
public static class DeadlineIndexScenarios
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private static DueAlarm Alarm(string incident, DeadlineKind kind, AlarmLevel level, int minutes) =>
        new(incident, "330290-CGJ", kind, level, Monday.AddMinutes(minutes));

    public static async Task GivenRowsAndCheckpointApplied_WhenReopened_ThenBothAreThere(Func<Task<IDeadlineIndex>> OpenAsync)
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

    public static async Task GivenAnIncidentsRows_WhenReplaced_ThenOnlyTheNewRowsRemain_AndAnEmptyListClearsThem(Func<Task<IDeadlineIndex>> OpenAsync)
    {
        await using var index = await OpenAsync();
        await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)]), new("inc-2", [Alarm("inc-2", DeadlineKind.Handle, AlarmLevel.Overdue, 500)])], [], 3, default);

        await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Handle, AlarmLevel.Warning, 400)])], [], 5, default);
        Assert.Equal([Alarm("inc-1", DeadlineKind.Handle, AlarmLevel.Warning, 400)], await index.GetAlarmsAsync("inc-1", default));

        await index.ApplyAsync([new("inc-2", [])], [], 6, default);
        Assert.Empty(await index.GetAlarmsAsync("inc-2", default));
        Assert.Equal(6, await index.GetCheckpointAsync(default));
    }

    public static async Task GivenAnApplyThatFailsPartWay_WhenReopened_ThenNeitherItsRowsNorItsCheckpointWereKept(Func<Task<IDeadlineIndex>> OpenAsync)
    {
        await using (var index = await OpenAsync())
        {
            await index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)])], [], 4, default);

            // inc-1's rows are deleted and inc-2's first row inserted before the duplicate key fails the transaction.
            var duplicate = Alarm("inc-2", DeadlineKind.Sign, AlarmLevel.Overdue, 120);
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
                index.ApplyAsync([new("inc-1", []), new("inc-2", [duplicate, duplicate])], [], 9, default));
        }

        await using var reopened = await OpenAsync();
        Assert.Equal(4, await reopened.GetCheckpointAsync(default));
        Assert.Equal([Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 96)], await reopened.GetAlarmsAsync("inc-1", default));
        Assert.Empty(await reopened.GetAlarmsAsync("inc-2", default));
    }

    public static async Task GivenACheckpoint_WhenAnApplyWouldMoveItBack_ThenItIsRefused(Func<Task<IDeadlineIndex>> OpenAsync)
    {
        await using var index = await OpenAsync();
        await index.ApplyAsync([], [], 10, default);

        await Assert.ThrowsAsync<InvalidOperationException>(() => index.ApplyAsync([new("inc-1", [Alarm("inc-1", DeadlineKind.Sign, AlarmLevel.Warning, 1)])], [], 9, default));
        Assert.Empty(await index.GetAlarmsAsync("inc-1", default));
    }

    public static async Task GivenARowMovedByTheProjection_WhenTheOldDueTimeIsRemoved_ThenTheMovedRowStays(Func<Task<IDeadlineIndex>> OpenAsync)
    {
        await using var index = await OpenAsync();
        var old = Alarm("inc-1", DeadlineKind.Handle, AlarmLevel.Overdue, 480);
        var moved = old with { DueAt = old.DueAt.AddDays(2) };
        await index.ApplyAsync([new("inc-1", [moved])], [], 2, default);

        Assert.False(await index.RemoveAsync(old, default));
        Assert.True(await index.RemoveAsync(moved, default));
        Assert.Empty(await index.GetAlarmsAsync("inc-1", default));
    }
}
