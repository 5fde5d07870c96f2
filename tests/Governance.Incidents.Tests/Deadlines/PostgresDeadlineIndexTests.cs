using Governance.Incidents.Deadlines;
using Governance.Testing;
using Npgsql;

namespace Governance.Incidents.Tests.Deadlines;

/// <summary>The due-time index in a real PostgreSQL database (one per test), through the same scenarios as SQLite.</summary>
public sealed class PostgresDeadlineIndexTests : IAsyncDisposable
{
    private NpgsqlDataSource? _dataSource;

    public ValueTask DisposeAsync() => _dataSource?.DisposeAsync() ?? ValueTask.CompletedTask;

    private async Task<IDeadlineIndex> OpenAsync()
    {
        _dataSource ??= NpgsqlDataSource.Create(await (await TestPostgres.GetAsync()).CreateDatabaseAsync());
        var index = new PostgresDeadlineIndex(_dataSource);
        await index.OpenAsync(CancellationToken.None);
        return index;
    }

    [PostgresFact]
    public Task GivenRowsAndCheckpointApplied_WhenReopened_ThenBothAreThere() => DeadlineIndexScenarios.GivenRowsAndCheckpointApplied_WhenReopened_ThenBothAreThere(OpenAsync);

    [PostgresFact]
    public Task GivenAnIncidentsRows_WhenReplaced_ThenOnlyTheNewRowsRemain_AndAnEmptyListClearsThem() => DeadlineIndexScenarios.GivenAnIncidentsRows_WhenReplaced_ThenOnlyTheNewRowsRemain_AndAnEmptyListClearsThem(OpenAsync);

    [PostgresFact]
    public Task GivenAnApplyThatFailsPartWay_WhenReopened_ThenNeitherItsRowsNorItsCheckpointWereKept() => DeadlineIndexScenarios.GivenAnApplyThatFailsPartWay_WhenReopened_ThenNeitherItsRowsNorItsCheckpointWereKept(OpenAsync);

    [PostgresFact]
    public Task GivenACheckpoint_WhenAnApplyWouldMoveItBack_ThenItIsRefused() => DeadlineIndexScenarios.GivenACheckpoint_WhenAnApplyWouldMoveItBack_ThenItIsRefused(OpenAsync);

    [PostgresFact]
    public Task GivenARowMovedByTheProjection_WhenTheOldDueTimeIsRemoved_ThenTheMovedRowStays() => DeadlineIndexScenarios.GivenARowMovedByTheProjection_WhenTheOldDueTimeIsRemoved_ThenTheMovedRowStays(OpenAsync);
}
