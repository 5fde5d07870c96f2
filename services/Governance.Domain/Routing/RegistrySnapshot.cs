using System.Diagnostics.CodeAnalysis;
using Governance.Domain.Regions;
using Governance.Domain.Registry;

namespace Governance.Domain.Routing;

/// <summary>
/// An immutable read model of the registry for routing: regions, grids, departments, categories and the
/// responsibility matrix, indexed for the report hot path. Resolution is a handful of dictionary lookups and, on the
/// common path, no allocation: the answer for each rule is prepared when the snapshot is built.
/// A registry change produces a new snapshot (<see cref="With"/>); readers keep the one they started with.
/// </summary>
/// <remarks>
/// Retired departments are never chosen. A rule that names one (or names a department the registry does not know)
/// is skipped as if absent: resolution falls through to the next less specific rule, then to the township's
/// information-command office, then to the county command center, and the explanation says which rule was skipped.
/// <see cref="Problems"/> lists such rules so an administrator can repair them.
/// </remarks>
public sealed class RegistrySnapshot
{
    private readonly Dictionary<string, Region> _regions;
    private readonly Dictionary<string, Grid> _grids;
    private readonly Dictionary<string, Department> _departments;
    private readonly Dictionary<string, Category> _categories;
    private readonly Dictionary<RuleKey, ResponsibilityRule> _rules;

    // Derived indexes, built once.
    private readonly Dictionary<string, GridLocation> _locations;
    private readonly Dictionary<RuleKey, Resolved> _resolved;
    private readonly Dictionary<string, Department> _townshipOffices;
    private readonly Dictionary<string, Department> _countyCenters;
    private readonly List<string> _problems = [];

    private RegistrySnapshot(Builder builder)
    {
        _regions = new(builder.Regions, StringComparer.Ordinal);
        _grids = new(builder.Grids, StringComparer.Ordinal);
        _departments = new(builder.Departments, StringComparer.Ordinal);
        _categories = new(builder.Categories, StringComparer.Ordinal);
        _rules = new(builder.Rules);

        _locations = new(_grids.Count, StringComparer.Ordinal);
        foreach (var grid in _grids.Values)
            _locations[grid.Code] = GridLocation.FromGridCode(grid.Code);

        _townshipOffices = Offices(DepartmentKind.TownshipCommandOffice);
        _countyCenters = Offices(DepartmentKind.CountyCommandCenter);

        _resolved = new(_rules.Count);
        foreach (var rule in _rules.Values)
        {
            var department = _departments.GetValueOrDefault(rule.DepartmentCode);
            var scope = $"{rule.ScopeLevel.ToString().ToLowerInvariant()} {rule.ScopeCode}{NameOf(rule.ScopeCode)}";
            if (department is { IsRetired: false })
            {
                var explanation = $"Rule at {scope}: {rule.CategoryCode}{CategoryName(rule.CategoryCode)} → {department.Code} {department.Name}.";
                _resolved[rule.Key] = new Resolved(
                    new Responsibility(department.Code, Responsibility.From(rule.ScopeLevel), rule.ScopeCode, explanation), null);
            }
            else
            {
                var why = department is null ? "which is not in the registry" : "which is retired";
                var note = $"the rule at {scope} names {rule.DepartmentCode}, {why}";
                _resolved[rule.Key] = new Resolved(null, note);
                _problems.Add($"Rule for {rule.CategoryCode}: {note}; point it at an active department or remove it.");
            }
        }
        foreach (var region in _regions.Values.Where(r => !r.IsRetired).OrderBy(r => r.Code, StringComparer.Ordinal))
        {
            if (region.Level == RegionLevel.Township && !_townshipOffices.ContainsKey(region.Code))
                _problems.Add($"Township {region.Code} {region.Name} has no active information-command office; its unassigned incidents go to the county command center.");
            if (region.Level == RegionLevel.County && !_countyCenters.ContainsKey(region.Code))
                _problems.Add($"County {region.Code} {region.Name} has no active command center; incidents no rule covers cannot be routed.");
        }
    }

    public static RegistrySnapshot Empty { get; } = new(new Builder());

    public IReadOnlyCollection<Region> Regions => _regions.Values;

    public IReadOnlyCollection<Grid> Grids => _grids.Values;

    public IReadOnlyCollection<Department> Departments => _departments.Values;

    public IReadOnlyCollection<Category> Categories => _categories.Values;

    public IReadOnlyCollection<ResponsibilityRule> Rules => _rules.Values;

    /// <summary>Gaps an administrator should fix: rules naming retired or unknown departments, regions without a command office.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Builds a snapshot by folding registry events in stream order (other events are ignored).</summary>
    public static RegistrySnapshot FromEvents(IEnumerable<IDomainEvent> events) => new Builder().ApplyAll(events).Build();

    /// <summary>Builds a snapshot from current states, e.g. from a catalogue or a projection.</summary>
    public static RegistrySnapshot From(
        IEnumerable<Region> regions,
        IEnumerable<Grid> grids,
        IEnumerable<Department> departments,
        IEnumerable<Category> categories,
        IEnumerable<ResponsibilityRule> rules)
    {
        var builder = new Builder();
        foreach (var region in regions)
            builder.Regions[region.Code] = region;
        foreach (var grid in grids)
            builder.Grids[grid.Code] = grid;
        foreach (var department in departments)
            builder.Departments[department.Code] = department;
        foreach (var category in categories)
            builder.Categories[category.Code] = category;
        foreach (var rule in rules)
            builder.Rules[rule.Key] = rule;
        return builder.Build();
    }

    /// <summary>A new snapshot with more registry events folded in; this one is unchanged.</summary>
    public RegistrySnapshot With(IEnumerable<IDomainEvent> events) => ToBuilder().ApplyAll(events).Build();

    public Builder ToBuilder()
    {
        var builder = new Builder();
        foreach (var (code, region) in _regions)
            builder.Regions[code] = region;
        foreach (var (code, grid) in _grids)
            builder.Grids[code] = grid;
        foreach (var (code, department) in _departments)
            builder.Departments[code] = department;
        foreach (var (code, category) in _categories)
            builder.Categories[code] = category;
        foreach (var (key, rule) in _rules)
            builder.Rules[key] = rule;
        return builder;
    }

    public Region? FindRegion(string code) => _regions.GetValueOrDefault(code);

    public Grid? FindGrid(string code) => _grids.GetValueOrDefault(code);

    public Department? FindDepartment(string code) => _departments.GetValueOrDefault(code);

    public Category? FindCategory(string code) => _categories.GetValueOrDefault(code);

    /// <summary>The active information-command office of a township, or null.</summary>
    public Department? TownshipCommandOffice(string townshipCode) => _townshipOffices.GetValueOrDefault(townshipCode);

    /// <summary>The active command center of a county, or null.</summary>
    public Department? CountyCommandCenter(string countyCode) => _countyCenters.GetValueOrDefault(countyCode);

    /// <summary>The grid → village → township → county chain of a grid in the registry.</summary>
    public bool TryLocate(string gridCode, [MaybeNullWhen(false)] out GridLocation location) =>
        _locations.TryGetValue(gridCode, out location);

    public GridLocation Locate(string gridCode) =>
        _locations.TryGetValue(gridCode, out var location)
            ? location
            : throw DomainException.NotFound($"Grid {gridCode} is not in the registry.");

    /// <summary>
    /// The department responsible for incidents of <paramref name="categoryCode"/> in <paramref name="gridCode"/>:
    /// the most specific rule wins (grid, village, township, county); with no rule, the township's
    /// information-command office; with none there, the county command center. Retired departments are skipped.
    /// </summary>
    /// <exception cref="DomainException">NotFound for an unknown grid or category; FailedPrecondition for a retired
    /// grid or category, or a county with neither a rule nor a command office to take the incident.</exception>
    public Responsibility ResolveResponsibility(string gridCode, string categoryCode)
    {
        if (!_grids.TryGetValue(gridCode, out var grid))
            throw DomainException.NotFound($"Grid {gridCode} is not in the registry.");
        if (grid.IsRetired)
            throw DomainException.Precondition($"Grid {gridCode} is retired; route the point again against the current grids.");
        CheckCategory(categoryCode);
        var location = _locations[gridCode];

        List<string>? skipped = null;
        if (Rule(new RuleKey(location.GridCode, categoryCode), ref skipped) is { } byGrid)
            return WithSkips(byGrid, skipped);
        if (Rule(new RuleKey(location.VillageCode, categoryCode), ref skipped) is { } byVillage)
            return WithSkips(byVillage, skipped);
        if (Rule(new RuleKey(location.TownshipCode, categoryCode), ref skipped) is { } byTownship)
            return WithSkips(byTownship, skipped);
        if (Rule(new RuleKey(location.CountyCode, categoryCode), ref skipped) is { } byCounty)
            return WithSkips(byCounty, skipped);

        var noRule = $"No rule for {categoryCode}{CategoryName(categoryCode)} at grid, village, township or county level";
        if (_townshipOffices.TryGetValue(location.TownshipCode, out var office))
        {
            return WithSkips(new Responsibility(office.Code, RuleScopeLevel.TownshipCommandOffice, location.TownshipCode,
                $"{noRule}: the township's information-command office {office.Code} {office.Name} takes it."), skipped);
        }
        if (_countyCenters.TryGetValue(location.CountyCode, out var center))
        {
            return WithSkips(new Responsibility(center.Code, RuleScopeLevel.CountyCommandCenter, location.CountyCode,
                $"{noRule}, and township {location.TownshipCode} has no active information-command office: the county command center {center.Code} {center.Name} takes it."),
                skipped);
        }
        throw DomainException.Precondition(
            $"No rule for {categoryCode} covers grid {gridCode}, and neither township {location.TownshipCode} nor county {location.CountyCode} has an active command office; define a department of kind CountyCommandCenter for the county.");
    }

    /// <summary>The county command center as the responsible department, for a report outside every grid.</summary>
    public Responsibility CountyCommandCenterResponsibility(string countyCode, string reason)
    {
        var center = _countyCenters.GetValueOrDefault(countyCode)
            ?? throw DomainException.Precondition(
                $"County {countyCode} has no active command center to take a report outside every grid; define a department of kind CountyCommandCenter.");
        return new Responsibility(center.Code, RuleScopeLevel.CountyCommandCenter, countyCode,
            $"{reason.TrimEnd('.')}: the county command center {center.Code} {center.Name} takes it.");
    }

    /// <summary>The routing outcome for a point inside (or, with a distance, near) a grid.</summary>
    public RoutingOutcome RouteToGrid(string gridCode, string categoryCode, double? distanceMetres = null)
    {
        var responsibility = ResolveResponsibility(gridCode, categoryCode);
        var location = _locations[gridCode];
        return distanceMetres is { } distance
            ? RoutingOutcome.NearestGrid(location, distance, responsibility)
            : RoutingOutcome.InGrid(location, responsibility);
    }

    /// <summary>The routing outcome for a point beyond the tolerance of every grid.</summary>
    public RoutingOutcome RouteToCountyCenter(string countyCode, string categoryCode, string reason)
    {
        CheckCategory(categoryCode);
        return RoutingOutcome.CountyFallback(countyCode, reason, CountyCommandCenterResponsibility(countyCode, reason));
    }

    private void CheckCategory(string categoryCode)
    {
        if (!_categories.TryGetValue(categoryCode, out var category))
            throw DomainException.NotFound($"Category {categoryCode} is not defined; list the categories to pick a valid code.");
        if (category.IsRetired)
            throw DomainException.Precondition($"Category {categoryCode} ({category.Name}) is retired; report under a current category.");
    }

    private Responsibility? Rule(RuleKey key, ref List<string>? skipped)
    {
        if (!_resolved.TryGetValue(key, out var resolved))
            return null;
        if (resolved.Responsibility is null)
            (skipped ??= []).Add(resolved.SkipNote!);
        return resolved.Responsibility;
    }

    private static Responsibility WithSkips(Responsibility responsibility, List<string>? skipped) =>
        skipped is null
            ? responsibility
            : responsibility with { Explanation = $"{responsibility.Explanation} Skipped: {string.Join("; ", skipped)}." };

    private Dictionary<string, Department> Offices(DepartmentKind kind)
    {
        // Several active offices for one region would be a data error; the lowest code wins so the choice is stable.
        var offices = new Dictionary<string, Department>(StringComparer.Ordinal);
        foreach (var department in _departments.Values.Where(d => d.Kind == kind && !d.IsRetired).OrderBy(d => d.Code, StringComparer.Ordinal))
            offices.TryAdd(department.OwningRegionCode, department);
        return offices;
    }

    private string NameOf(string scopeCode)
    {
        var name = _regions.GetValueOrDefault(scopeCode)?.Name ?? _grids.GetValueOrDefault(scopeCode)?.Name;
        return name is null ? "" : $" ({name})";
    }

    private string CategoryName(string categoryCode) =>
        _categories.GetValueOrDefault(categoryCode) is { } category ? $" ({category.Name})" : "";

    private sealed record Resolved(Responsibility? Responsibility, string? SkipNote);

    /// <summary>Mutable collector for building a snapshot from many events without copying per event.</summary>
    public sealed class Builder
    {
        internal Dictionary<string, Region> Regions { get; } = new(StringComparer.Ordinal);

        internal Dictionary<string, Grid> Grids { get; } = new(StringComparer.Ordinal);

        internal Dictionary<string, Department> Departments { get; } = new(StringComparer.Ordinal);

        internal Dictionary<string, Category> Categories { get; } = new(StringComparer.Ordinal);

        internal Dictionary<RuleKey, ResponsibilityRule> Rules { get; } = [];

        public Builder ApplyAll(IEnumerable<IDomainEvent> events)
        {
            foreach (var @event in events)
                Apply(@event);
            return this;
        }

        /// <summary>Folds one registry event into the entity it names; events of other streams are ignored.</summary>
        public Builder Apply(IDomainEvent @event)
        {
            switch (@event)
            {
                case IRegionEvent e:
                {
                    var code = e switch { RegionDefined d => d.Code, RegionUpdated u => u.Code, RegionRetired r => r.Code, _ => Unknown(e) };
                    Regions[code] = RegionDecider.Apply(Regions.GetValueOrDefault(code), e)!;
                    break;
                }
                case IGridEvent e:
                {
                    var code = e switch
                    {
                        GridDefined d => d.Code,
                        GridUpdated u => u.Code,
                        GridWorkersAssigned a => a.Code,
                        GridRetired r => r.Code,
                        _ => Unknown(e),
                    };
                    Grids[code] = GridDecider.Apply(Grids.GetValueOrDefault(code), e)!;
                    break;
                }
                case IDepartmentEvent e:
                {
                    var code = e switch { DepartmentDefined d => d.Code, DepartmentUpdated u => u.Code, DepartmentRetired r => r.Code, _ => Unknown(e) };
                    Departments[code] = DepartmentDecider.Apply(Departments.GetValueOrDefault(code), e)!;
                    break;
                }
                case ICategoryEvent e:
                {
                    var code = e switch { CategoryDefined d => d.Code, CategoryUpdated u => u.Code, CategoryRetired r => r.Code, _ => Unknown(e) };
                    Categories[code] = CategoryDecider.Apply(Categories.GetValueOrDefault(code), e)!;
                    break;
                }
                case ResponsibilityRuleSet e:
                    Rules[new RuleKey(e.ScopeCode, e.CategoryCode)] = new ResponsibilityRule(e.ScopeCode, e.ScopeLevel, e.CategoryCode, e.DepartmentCode);
                    break;
                case ResponsibilityRuleRemoved e:
                    Rules.Remove(new RuleKey(e.ScopeCode, e.CategoryCode));
                    break;
            }
            return this;
        }

        public RegistrySnapshot Build() => new(this);

        private static string Unknown(IDomainEvent e) => throw new ArgumentException($"Unknown registry event {e.GetType().Name}.");
    }
}
