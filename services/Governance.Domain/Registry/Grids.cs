using Governance.Domain.Regions;

namespace Governance.Domain.Registry;

/// <summary>
/// A grid (网格): the smallest unit of territory. The boundary is WKB in WGS84, opaque to the domain — the geometry
/// library reads it; the domain only keeps it with the grid so every boundary change is audited.
/// </summary>
public sealed record Grid(
    string Code,
    string Name,
    string VillageCode,
    byte[] BoundaryWkb,
    IReadOnlyList<string> GridWorkerIds,
    bool IsRetired = false);

public interface IGridCommand;

public interface IGridEvent : IDomainEvent;

public sealed record DefineGrid(string Code, string Name, byte[] BoundaryWkb, IReadOnlyList<string> GridWorkerIds, Actor By, DateTimeOffset Now)
    : IGridCommand;

/// <summary>Renames a grid or redraws its boundary (both given in full).</summary>
public sealed record UpdateGrid(string Code, string Name, byte[] BoundaryWkb, Actor By, DateTimeOffset Now) : IGridCommand;

/// <summary>Replaces the set of grid workers serving the grid.</summary>
public sealed record AssignGridWorkers(string Code, IReadOnlyList<string> GridWorkerIds, Actor By, DateTimeOffset Now) : IGridCommand;

public sealed record RetireGrid(string Code, string Reason, Actor By, DateTimeOffset Now) : IGridCommand;

public sealed record GridDefined(
    string Code,
    string Name,
    string VillageCode,
    byte[] BoundaryWkb,
    IReadOnlyList<string> GridWorkerIds,
    Actor By,
    DateTimeOffset At) : IGridEvent
{
    public const string EventType = "grid.defined.v1";
}

public sealed record GridUpdated(string Code, string Name, byte[] BoundaryWkb, Actor By, DateTimeOffset At) : IGridEvent
{
    public const string EventType = "grid.updated.v1";
}

public sealed record GridWorkersAssigned(string Code, IReadOnlyList<string> GridWorkerIds, Actor By, DateTimeOffset At) : IGridEvent
{
    public const string EventType = "grid.workers-assigned.v1";
}

public sealed record GridRetired(string Code, string Reason, Actor By, DateTimeOffset At) : IGridEvent
{
    public const string EventType = "grid.retired.v1";
}

public static class GridDecider
{
    /// <summary>
    /// One event must fit in a 4 MiB gRPC message with room to spare; a real grid outline of a few thousand
    /// vertices is well under 100 KiB, so anything near this is a mistake (an unsimplified survey, a wrong layer).
    /// </summary>
    public const int MaxBoundaryBytes = 2 * 1024 * 1024;

    /// <summary>A grid is served by one or a few workers (一格一员 or a small team); dozens means bad data.</summary>
    public const int MaxGridWorkers = 20;

    public static IReadOnlyList<IGridEvent> Decide(Grid? state, IGridCommand command) => command switch
    {
        DefineGrid c => Define(state, c),
        UpdateGrid c => Update(state, c),
        AssignGridWorkers c => Assign(state, c),
        RetireGrid c => Retire(state, c),
        _ => throw new ArgumentException($"Unknown grid command {command.GetType().Name}.", nameof(command)),
    };

    public static Grid? Apply(Grid? state, IGridEvent @event) => @event switch
    {
        GridDefined e => new Grid(e.Code, e.Name, e.VillageCode, e.BoundaryWkb, e.GridWorkerIds),
        GridUpdated e => Existing(state, e.Code) with { Name = e.Name, BoundaryWkb = e.BoundaryWkb },
        GridWorkersAssigned e => Existing(state, e.Code) with { GridWorkerIds = e.GridWorkerIds },
        GridRetired e => Existing(state, e.Code) with { IsRetired = true },
        _ => throw new ArgumentException($"Unknown grid event {@event.GetType().Name}.", nameof(@event)),
    };

    public static Grid? Fold(IEnumerable<IGridEvent> events) => events.Aggregate((Grid?)null, Apply);

    private static IGridEvent[] Define(Grid? state, DefineGrid c)
    {
        var code = RegionCode.Parse(c.Code);
        if (code.Level != RegionLevel.Grid)
            throw DomainException.Invalid(
                $"{c.Code} is a {code.Level.ToString().ToLowerInvariant()} code; a grid code has 15 digits (village code + 3-digit serial).");
        var name = Require.Name(c.Name, "Grid name");
        Boundary(c.BoundaryWkb);
        var workers = Workers(c.GridWorkerIds);
        c.By.Validate("DefineGrid");
        if (state is not null)
        {
            SameStream(state, c.Code);
            if (state.IsRetired)
                throw DomainException.Precondition($"Grid {c.Code} was retired; a retired grid code is never reused.");
            return state.Name == name && state.BoundaryWkb.AsSpan().SequenceEqual(c.BoundaryWkb) && state.GridWorkerIds.SequenceEqual(workers)
                ? []
                : throw DomainException.Exists($"Grid {c.Code} already exists as '{state.Name}'; change it with UpdateGrid or AssignGridWorkers.");
        }
        return [new GridDefined(c.Code, name, code.Parent!.Value.Value, c.BoundaryWkb, workers, c.By, c.Now)];
    }

    private static IGridEvent[] Update(Grid? state, UpdateGrid c)
    {
        var current = Active(state, c.Code);
        var name = Require.Name(c.Name, "Grid name");
        Boundary(c.BoundaryWkb);
        c.By.Validate("UpdateGrid");
        return current.Name == name && current.BoundaryWkb.AsSpan().SequenceEqual(c.BoundaryWkb)
            ? []
            : [new GridUpdated(c.Code, name, c.BoundaryWkb, c.By, c.Now)];
    }

    private static IGridEvent[] Assign(Grid? state, AssignGridWorkers c)
    {
        var current = Active(state, c.Code);
        var workers = Workers(c.GridWorkerIds);
        c.By.Validate("AssignGridWorkers");
        return current.GridWorkerIds.SequenceEqual(workers) ? [] : [new GridWorkersAssigned(c.Code, workers, c.By, c.Now)];
    }

    private static IGridEvent[] Retire(Grid? state, RetireGrid c)
    {
        if (state is null)
            throw DomainException.NotFound($"Grid {c.Code} is not defined.");
        SameStream(state, c.Code);
        var reason = Require.Reason(c.Reason, "RetireGrid");
        c.By.Validate("RetireGrid");
        return state.IsRetired ? [] : [new GridRetired(c.Code, reason, c.By, c.Now)];
    }

    private static void Boundary(byte[]? wkb)
    {
        if (wkb is null || wkb.Length == 0)
            throw DomainException.Invalid("The grid boundary is empty; pass the polygon as WKB in WGS84.");
        if (wkb.Length > MaxBoundaryBytes)
            throw DomainException.Invalid(
                $"The grid boundary is {wkb.Length} bytes; at most {MaxBoundaryBytes} are accepted. Simplify the outline.");
    }

    /// <summary>Distinct, sorted worker ids, so the same set always compares equal whatever order it came in.</summary>
    private static string[] Workers(IReadOnlyList<string>? ids)
    {
        ids ??= [];
        if (ids.Count > MaxGridWorkers)
            throw DomainException.Invalid($"{ids.Count} grid workers given; at most {MaxGridWorkers} may serve one grid.");
        foreach (var id in ids)
            Require.Identifier(id, "Grid worker id");
        return [.. ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static Grid Active(Grid? state, string code)
    {
        if (state is null)
            throw DomainException.NotFound($"Grid {code} is not defined; define it with DefineGrid first.");
        SameStream(state, code);
        return state.IsRetired ? throw DomainException.Precondition($"Grid {code} is retired and can no longer change.") : state;
    }

    private static void SameStream(Grid state, string code)
    {
        if (state.Code != code)
            throw DomainException.Invalid($"The command names grid {code} but was sent to the stream of grid {state.Code}.");
    }

    private static Grid Existing(Grid? state, string code) =>
        state ?? throw new InvalidOperationException($"The stream of grid {code} does not start with GridDefined.");
}
