using Governance.Domain;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.EventStore;
using Governance.Incidents.Storage;

namespace Governance.Incidents.Registry;

/// <summary>
/// Executes registry commands (define a region, grid, department, category or rule) against their own streams,
/// so every change to the registry is an audited event like any incident's. Used by the demo seeder and the
/// CLI's layer import. A command that changes nothing (the same definition again) writes nothing.
/// </summary>
public sealed class RegistryWriter(DomainStreams streams)
{
    private const int MaxConflictRetries = 5;

    public Task<int> ExecuteAsync(IRegionCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync<Region, IRegionCommand, IRegionEvent>(StreamNames.Region(CodeOf(command)), command, RegionDecider.Decide, RegionDecider.Fold, cancellationToken);

    public Task<int> ExecuteAsync(IGridCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync<Grid, IGridCommand, IGridEvent>(StreamNames.Grid(CodeOf(command)), command, GridDecider.Decide, GridDecider.Fold, cancellationToken);

    public Task<int> ExecuteAsync(IDepartmentCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync<Department, IDepartmentCommand, IDepartmentEvent>(StreamNames.Department(CodeOf(command)), command, DepartmentDecider.Decide, DepartmentDecider.Fold, cancellationToken);

    public Task<int> ExecuteAsync(ICategoryCommand command, CancellationToken cancellationToken) =>
        ExecuteAsync<Category, ICategoryCommand, ICategoryEvent>(StreamNames.Category(CodeOf(command)), command, CategoryDecider.Decide, CategoryDecider.Fold, cancellationToken);

    /// <summary>
    /// Rules of one county live in one stream; many rules go in as one append, each decided on the state the
    /// previous one left, and checked against the registry so a rule never names an unknown department.
    /// </summary>
    public async Task<int> ExecuteAsync(string countyCode, IReadOnlyList<IMatrixCommand> commands, RegistrySnapshot registry, CancellationToken cancellationToken)
    {
        var stream = StreamNames.Matrix(countyCode);
        for (var attempt = 0; ; attempt++)
        {
            var (stored, version) = await streams.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            var state = ResponsibilityMatrixDecider.Fold(stored.Cast<IMatrixEvent>());
            var events = new List<IMatrixEvent>();
            foreach (var command in commands)
            {
                foreach (var e in ResponsibilityMatrixDecider.Decide(state, command, registry))
                {
                    state = ResponsibilityMatrixDecider.Apply(state, e);
                    events.Add(e);
                }
            }
            if (events.Count == 0)
            {
                return 0;
            }
            try
            {
                await streams.AppendAsync(stream, version, events, EventMetadata.None, cancellationToken).ConfigureAwait(false);
                return events.Count;
            }
            catch (WrongExpectedVersionException) when (attempt < MaxConflictRetries)
            {
            }
        }
    }

    private async Task<int> ExecuteAsync<TState, TCommand, TEvent>(
        string stream,
        TCommand command,
        Func<TState?, TCommand, IReadOnlyList<TEvent>> decide,
        Func<IEnumerable<TEvent>, TState?> fold,
        CancellationToken cancellationToken)
        where TState : class
        where TEvent : IDomainEvent
    {
        for (var attempt = 0; ; attempt++)
        {
            var (stored, version) = await streams.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            var events = decide(fold(stored.Cast<TEvent>()), command);
            if (events.Count == 0)
            {
                return 0;
            }
            try
            {
                await streams.AppendAsync(stream, version, events, EventMetadata.None, cancellationToken).ConfigureAwait(false);
                return events.Count;
            }
            catch (WrongExpectedVersionException) when (attempt < MaxConflictRetries)
            {
            }
        }
    }

    private static string CodeOf(object command) => command switch
    {
        DefineRegion c => c.Code,
        UpdateRegion c => c.Code,
        RetireRegion c => c.Code,
        DefineGrid c => c.Code,
        UpdateGrid c => c.Code,
        AssignGridWorkers c => c.Code,
        RetireGrid c => c.Code,
        DefineDepartment c => c.Code,
        UpdateDepartment c => c.Code,
        RetireDepartment c => c.Code,
        DefineCategory c => c.Code,
        UpdateCategory c => c.Code,
        RetireCategory c => c.Code,
        _ => throw new ArgumentException($"{command.GetType().Name} is not a registry command.", nameof(command)),
    };
}
