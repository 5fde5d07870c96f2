using Governance.Domain.Regions;

namespace Governance.Domain.Registry;

/// <summary>A city, county, township or village of the region tree (grids have their own stream).</summary>
public sealed record Region(string Code, string Name, RegionLevel Level, string? ParentCode, bool IsRetired = false);

public interface IRegionCommand;

public interface IRegionEvent : IDomainEvent;

public sealed record DefineRegion(string Code, string Name, Actor By, DateTimeOffset Now) : IRegionCommand;

public sealed record UpdateRegion(string Code, string Name, Actor By, DateTimeOffset Now) : IRegionCommand;

public sealed record RetireRegion(string Code, string Reason, Actor By, DateTimeOffset Now) : IRegionCommand;

/// <summary>A region was added to the tree; the level and parent follow from the code and are stored for readers.</summary>
public sealed record RegionDefined(string Code, string Name, RegionLevel Level, string? ParentCode, Actor By, DateTimeOffset At)
    : IRegionEvent
{
    public const string EventType = "region.defined.v1";
}

public sealed record RegionUpdated(string Code, string Name, Actor By, DateTimeOffset At) : IRegionEvent
{
    public const string EventType = "region.updated.v1";
}

/// <summary>A region was withdrawn (e.g. merged into another township); its code is never reused.</summary>
public sealed record RegionRetired(string Code, string Reason, Actor By, DateTimeOffset At) : IRegionEvent
{
    public const string EventType = "region.retired.v1";
}

public static class RegionDecider
{
    public static IReadOnlyList<IRegionEvent> Decide(Region? state, IRegionCommand command) => command switch
    {
        DefineRegion c => Define(state, c),
        UpdateRegion c => Update(state, c),
        RetireRegion c => Retire(state, c),
        _ => throw new ArgumentException($"Unknown region command {command.GetType().Name}.", nameof(command)),
    };

    public static Region? Apply(Region? state, IRegionEvent @event) => @event switch
    {
        RegionDefined e => new Region(e.Code, e.Name, e.Level, e.ParentCode),
        RegionUpdated e => Existing(state, e.Code) with { Name = e.Name },
        RegionRetired e => Existing(state, e.Code) with { IsRetired = true },
        _ => throw new ArgumentException($"Unknown region event {@event.GetType().Name}.", nameof(@event)),
    };

    public static Region? Fold(IEnumerable<IRegionEvent> events) => events.Aggregate((Region?)null, Apply);

    private static IRegionEvent[] Define(Region? state, DefineRegion c)
    {
        var code = RegionCode.Parse(c.Code);
        if (code.Level == RegionLevel.Grid)
            throw DomainException.Invalid($"{c.Code} is a grid code; define grids with DefineGrid, which also takes the boundary.");
        var name = Require.Name(c.Name, "Region name");
        c.By.Validate("DefineRegion");
        if (state is not null)
        {
            SameStream(state, c.Code);
            if (state.IsRetired)
                throw DomainException.Precondition($"Region {c.Code} was retired; a retired code is never reused.");
            return state.Name == name
                ? []
                : throw DomainException.Exists($"Region {c.Code} already exists as '{state.Name}'; rename it with UpdateRegion.");
        }
        return [new RegionDefined(c.Code, name, code.Level, code.Parent?.Value, c.By, c.Now)];
    }

    private static IRegionEvent[] Update(Region? state, UpdateRegion c)
    {
        var current = Active(state, c.Code);
        var name = Require.Name(c.Name, "Region name");
        c.By.Validate("UpdateRegion");
        return current.Name == name ? [] : [new RegionUpdated(c.Code, name, c.By, c.Now)];
    }

    private static IRegionEvent[] Retire(Region? state, RetireRegion c)
    {
        if (state is null)
            throw DomainException.NotFound($"Region {c.Code} is not defined.");
        SameStream(state, c.Code);
        var reason = Require.Reason(c.Reason, "RetireRegion");
        c.By.Validate("RetireRegion");
        return state.IsRetired ? [] : [new RegionRetired(c.Code, reason, c.By, c.Now)];
    }

    private static Region Active(Region? state, string code)
    {
        if (state is null)
            throw DomainException.NotFound($"Region {code} is not defined; define it with DefineRegion first.");
        SameStream(state, code);
        return state.IsRetired ? throw DomainException.Precondition($"Region {code} is retired and can no longer change.") : state;
    }

    private static void SameStream(Region state, string code)
    {
        if (state.Code != code)
            throw DomainException.Invalid($"The command names region {code} but was sent to the stream of region {state.Code}.");
    }

    private static Region Existing(Region? state, string code) =>
        state ?? throw new InvalidOperationException($"The stream of region {code} does not start with RegionDefined.");
}
