using System.Collections.Immutable;
using Governance.Domain.Regions;
using Governance.Domain.Routing;

namespace Governance.Domain.Registry;

/// <summary>Where a rule applies and to which category: the key of the responsibility matrix.</summary>
public readonly record struct RuleKey(string ScopeCode, string CategoryCode);

/// <summary>
/// One line of the responsibility list (权责清单): inside <see cref="ScopeCode"/> (a county, township, village or
/// grid), incidents of <see cref="CategoryCode"/> go to <see cref="DepartmentCode"/>.
/// </summary>
public sealed record ResponsibilityRule(string ScopeCode, RegionLevel ScopeLevel, string CategoryCode, string DepartmentCode)
{
    public RuleKey Key => new(ScopeCode, CategoryCode);
}

/// <summary>The rules of one county, one stream (<c>matrix-{countyCode}</c>), so every change is checked against them all.</summary>
public sealed record ResponsibilityMatrix(string CountyCode, ImmutableDictionary<RuleKey, ResponsibilityRule> Rules)
{
    public static ResponsibilityMatrix Empty(string countyCode) => new(countyCode, ImmutableDictionary<RuleKey, ResponsibilityRule>.Empty);
}

public interface IMatrixCommand;

public interface IMatrixEvent : IDomainEvent;

/// <summary>Adds a rule or points an existing one (same scope and category) at another department.</summary>
public sealed record SetResponsibilityRule(
    string CountyCode,
    string ScopeCode,
    string CategoryCode,
    string DepartmentCode,
    Actor By,
    DateTimeOffset Now) : IMatrixCommand;

public sealed record RemoveResponsibilityRule(string CountyCode, string ScopeCode, string CategoryCode, Actor By, DateTimeOffset Now)
    : IMatrixCommand;

/// <summary>A rule was added or changed; <see cref="PreviousDepartmentCode"/> is set when it replaced another.</summary>
public sealed record ResponsibilityRuleSet(
    string CountyCode,
    string ScopeCode,
    RegionLevel ScopeLevel,
    string CategoryCode,
    string DepartmentCode,
    string? PreviousDepartmentCode,
    Actor By,
    DateTimeOffset At) : IMatrixEvent
{
    public const string EventType = "matrix.rule-set.v1";
}

/// <summary>A rule was removed; incidents in its scope fall to the next less specific rule.</summary>
public sealed record ResponsibilityRuleRemoved(
    string CountyCode,
    string ScopeCode,
    string CategoryCode,
    string DepartmentCode,
    Actor By,
    DateTimeOffset At) : IMatrixEvent
{
    public const string EventType = "matrix.rule-removed.v1";
}

public static class ResponsibilityMatrixDecider
{
    /// <summary>
    /// Decides on the matrix alone: checks codes and scope, not that the category or department exist (they live in
    /// other streams). Use the overload with a <see cref="RegistrySnapshot"/> to check those too.
    /// </summary>
    public static IReadOnlyList<IMatrixEvent> Decide(ResponsibilityMatrix? state, IMatrixCommand command) => command switch
    {
        SetResponsibilityRule c => Set(state, c),
        RemoveResponsibilityRule c => Remove(state, c),
        _ => throw new ArgumentException($"Unknown matrix command {command.GetType().Name}.", nameof(command)),
    };

    /// <summary>
    /// Decides and also refuses a rule whose category or department is unknown (NotFound) or retired, or whose
    /// department belongs to another county (FailedPrecondition), or whose scope is not a defined region or grid.
    /// </summary>
    public static IReadOnlyList<IMatrixEvent> Decide(ResponsibilityMatrix? state, IMatrixCommand command, RegistrySnapshot registry)
    {
        if (command is SetResponsibilityRule c)
        {
            Scope(c.CountyCode, c.ScopeCode);
            var category = registry.FindCategory(c.CategoryCode)
                ?? throw DomainException.NotFound($"Category {c.CategoryCode} is not defined; define it before giving it a rule.");
            if (category.IsRetired)
                throw DomainException.Precondition($"Category {c.CategoryCode} is retired; rules for it would never be used.");
            var department = registry.FindDepartment(c.DepartmentCode)
                ?? throw DomainException.NotFound($"Department {c.DepartmentCode} is not defined; define it before naming it in a rule.");
            if (department.IsRetired)
                throw DomainException.Precondition($"Department {c.DepartmentCode} ({department.Name}) is retired; name an active department.");
            if (department.CountyCode != c.CountyCode)
                throw DomainException.Precondition(
                    $"Department {c.DepartmentCode} belongs to county {department.CountyCode}, not {c.CountyCode}; a county's rules name its own departments.");
            var scopeKnown = RegionCode.Parse(c.ScopeCode).Level == RegionLevel.Grid
                ? registry.FindGrid(c.ScopeCode) is not null
                : registry.FindRegion(c.ScopeCode) is not null;
            if (!scopeKnown)
                throw DomainException.NotFound($"Scope {c.ScopeCode} is not a defined region or grid; define it before giving it rules.");
        }
        return Decide(state, command);
    }

    public static ResponsibilityMatrix Apply(ResponsibilityMatrix? state, IMatrixEvent @event)
    {
        switch (@event)
        {
            case ResponsibilityRuleSet e:
            {
                var matrix = state ?? ResponsibilityMatrix.Empty(e.CountyCode);
                var rule = new ResponsibilityRule(e.ScopeCode, e.ScopeLevel, e.CategoryCode, e.DepartmentCode);
                return matrix with { Rules = matrix.Rules.SetItem(rule.Key, rule) };
            }
            case ResponsibilityRuleRemoved e:
            {
                var matrix = state ?? ResponsibilityMatrix.Empty(e.CountyCode);
                return matrix with { Rules = matrix.Rules.Remove(new RuleKey(e.ScopeCode, e.CategoryCode)) };
            }
            default:
                throw new ArgumentException($"Unknown matrix event {@event.GetType().Name}.", nameof(@event));
        }
    }

    public static ResponsibilityMatrix? Fold(IEnumerable<IMatrixEvent> events) =>
        events.Aggregate((ResponsibilityMatrix?)null, (state, e) => Apply(state, e));

    private static IMatrixEvent[] Set(ResponsibilityMatrix? state, SetResponsibilityRule c)
    {
        var scope = Scope(c.CountyCode, c.ScopeCode);
        Require.Identifier(c.CategoryCode, "Category code");
        Require.Identifier(c.DepartmentCode, "Department code");
        c.By.Validate("SetResponsibilityRule");
        SameStream(state, c.CountyCode);
        var existing = state?.Rules.GetValueOrDefault(new RuleKey(c.ScopeCode, c.CategoryCode));
        if (existing?.DepartmentCode == c.DepartmentCode)
            return [];
        return [new ResponsibilityRuleSet(c.CountyCode, c.ScopeCode, scope.Level, c.CategoryCode, c.DepartmentCode, existing?.DepartmentCode, c.By, c.Now)];
    }

    private static IMatrixEvent[] Remove(ResponsibilityMatrix? state, RemoveResponsibilityRule c)
    {
        Scope(c.CountyCode, c.ScopeCode);
        Require.Identifier(c.CategoryCode, "Category code");
        c.By.Validate("RemoveResponsibilityRule");
        SameStream(state, c.CountyCode);
        var existing = state?.Rules.GetValueOrDefault(new RuleKey(c.ScopeCode, c.CategoryCode))
            ?? throw DomainException.NotFound($"County {c.CountyCode} has no rule for category {c.CategoryCode} at {c.ScopeCode}.");
        return [new ResponsibilityRuleRemoved(c.CountyCode, c.ScopeCode, c.CategoryCode, existing.DepartmentCode, c.By, c.Now)];
    }

    private static RegionCode Scope(string countyCode, string scopeCode)
    {
        var county = RegionCode.Parse(countyCode);
        if (county.Level != RegionLevel.County)
            throw DomainException.Invalid($"{countyCode} is not a county code; the matrix is kept per county (6 digits, e.g. 330282).");
        var scope = RegionCode.Parse(scopeCode);
        if (scope.Level == RegionLevel.City)
            throw DomainException.Invalid($"{scopeCode} is a city code; a rule's scope is a county, township, village or grid.");
        if (!county.Contains(scope))
            throw DomainException.Invalid($"Scope {scopeCode} lies outside county {countyCode}; put the rule in that county's matrix.");
        return scope;
    }

    private static void SameStream(ResponsibilityMatrix? state, string countyCode)
    {
        if (state is not null && state.CountyCode != countyCode)
            throw DomainException.Invalid($"The command names county {countyCode} but was sent to the matrix of county {state.CountyCode}.");
    }
}
