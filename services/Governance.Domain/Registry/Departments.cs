using Governance.Domain.Regions;

namespace Governance.Domain.Registry;

/// <summary>A unit that handles (or, for the command offices, dispatches) incidents.</summary>
public sealed record Department(
    string Code,
    string Name,
    Platform Platform,
    DepartmentKind Kind,
    string OwningRegionCode,
    bool IsRetired = false)
{
    /// <summary>The county the department belongs to (its owning region's county).</summary>
    public string CountyCode => OwningRegionCode[..6];
}

public interface IDepartmentCommand;

public interface IDepartmentEvent : IDomainEvent;

public sealed record DefineDepartment(
    string Code,
    string Name,
    Platform Platform,
    DepartmentKind Kind,
    string OwningRegionCode,
    Actor By,
    DateTimeOffset Now) : IDepartmentCommand;

/// <summary>
/// Renames a department or moves it to another platform. Kind and owning region are fixed: a department that moves
/// between county and township is a different unit, so it is retired and a new one defined.
/// </summary>
public sealed record UpdateDepartment(string Code, string Name, Platform Platform, Actor By, DateTimeOffset Now) : IDepartmentCommand;

public sealed record RetireDepartment(string Code, string Reason, Actor By, DateTimeOffset Now) : IDepartmentCommand;

public sealed record DepartmentDefined(
    string Code,
    string Name,
    Platform Platform,
    DepartmentKind Kind,
    string OwningRegionCode,
    Actor By,
    DateTimeOffset At) : IDepartmentEvent
{
    public const string EventType = "department.defined.v1";
}

public sealed record DepartmentUpdated(string Code, string Name, Platform Platform, Actor By, DateTimeOffset At) : IDepartmentEvent
{
    public const string EventType = "department.updated.v1";
}

/// <summary>A department was withdrawn; routing never chooses it again (rules naming it fall through).</summary>
public sealed record DepartmentRetired(string Code, string Reason, Actor By, DateTimeOffset At) : IDepartmentEvent
{
    public const string EventType = "department.retired.v1";
}

public static class DepartmentDecider
{
    public static IReadOnlyList<IDepartmentEvent> Decide(Department? state, IDepartmentCommand command) => command switch
    {
        DefineDepartment c => Define(state, c),
        UpdateDepartment c => Update(state, c),
        RetireDepartment c => Retire(state, c),
        _ => throw new ArgumentException($"Unknown department command {command.GetType().Name}.", nameof(command)),
    };

    public static Department? Apply(Department? state, IDepartmentEvent @event) => @event switch
    {
        DepartmentDefined e => new Department(e.Code, e.Name, e.Platform, e.Kind, e.OwningRegionCode),
        DepartmentUpdated e => Existing(state, e.Code) with { Name = e.Name, Platform = e.Platform },
        DepartmentRetired e => Existing(state, e.Code) with { IsRetired = true },
        _ => throw new ArgumentException($"Unknown department event {@event.GetType().Name}.", nameof(@event)),
    };

    public static Department? Fold(IEnumerable<IDepartmentEvent> events) => events.Aggregate((Department?)null, Apply);

    private static IDepartmentEvent[] Define(Department? state, DefineDepartment c)
    {
        Require.Identifier(c.Code, "Department code");
        var name = Require.Name(c.Name, "Department name");
        Require.Defined(c.Platform, "Platform");
        Require.Defined(c.Kind, "Department kind");
        var region = RegionCode.Parse(c.OwningRegionCode);
        var expected = c.Kind is DepartmentKind.CountyBureau or DepartmentKind.CountyCommandCenter ? RegionLevel.County : RegionLevel.Township;
        if (region.Level != expected)
            throw DomainException.Invalid(
                $"A {c.Kind} belongs to a {expected.ToString().ToLowerInvariant()}, but {c.OwningRegionCode} is a {region.Level.ToString().ToLowerInvariant()} code.");
        c.By.Validate("DefineDepartment");
        if (state is not null)
        {
            SameStream(state, c.Code);
            if (state.IsRetired)
                throw DomainException.Precondition($"Department {c.Code} was retired; define the successor under a new code.");
            return state == new Department(c.Code, name, c.Platform, c.Kind, c.OwningRegionCode)
                ? []
                : throw DomainException.Exists($"Department {c.Code} already exists as '{state.Name}'; change it with UpdateDepartment.");
        }
        return [new DepartmentDefined(c.Code, name, c.Platform, c.Kind, c.OwningRegionCode, c.By, c.Now)];
    }

    private static IDepartmentEvent[] Update(Department? state, UpdateDepartment c)
    {
        var current = Active(state, c.Code);
        var name = Require.Name(c.Name, "Department name");
        Require.Defined(c.Platform, "Platform");
        c.By.Validate("UpdateDepartment");
        return current.Name == name && current.Platform == c.Platform
            ? []
            : [new DepartmentUpdated(c.Code, name, c.Platform, c.By, c.Now)];
    }

    private static IDepartmentEvent[] Retire(Department? state, RetireDepartment c)
    {
        if (state is null)
            throw DomainException.NotFound($"Department {c.Code} is not defined.");
        SameStream(state, c.Code);
        var reason = Require.Reason(c.Reason, "RetireDepartment");
        c.By.Validate("RetireDepartment");
        return state.IsRetired ? [] : [new DepartmentRetired(c.Code, reason, c.By, c.Now)];
    }

    private static Department Active(Department? state, string code)
    {
        if (state is null)
            throw DomainException.NotFound($"Department {code} is not defined; define it with DefineDepartment first.");
        SameStream(state, code);
        return state.IsRetired ? throw DomainException.Precondition($"Department {code} is retired and can no longer change.") : state;
    }

    private static void SameStream(Department state, string code)
    {
        if (state.Code != code)
            throw DomainException.Invalid($"The command names department {code} but was sent to the stream of department {state.Code}.");
    }

    private static Department Existing(Department? state, string code) =>
        state ?? throw new InvalidOperationException($"The stream of department {code} does not start with DepartmentDefined.");
}
