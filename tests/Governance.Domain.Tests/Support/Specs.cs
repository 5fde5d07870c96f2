using Governance.Domain.Calendar;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Domain.Routing;

namespace Governance.Domain.Tests;

/// <summary>One entry point per stream, so each test reads Given(...).When(...).Then(...).</summary>
internal static class Spec
{
    public static DeciderSpec<Region, IRegionCommand, IRegionEvent> Region() => new(RegionDecider.Decide, RegionDecider.Apply);

    public static DeciderSpec<Grid, IGridCommand, IGridEvent> Grid() => new(GridDecider.Decide, GridDecider.Apply);

    public static DeciderSpec<Department, IDepartmentCommand, IDepartmentEvent> Department() =>
        new(DepartmentDecider.Decide, DepartmentDecider.Apply);

    public static DeciderSpec<Category, ICategoryCommand, ICategoryEvent> Category() => new(CategoryDecider.Decide, CategoryDecider.Apply);

    public static DeciderSpec<ResponsibilityMatrix, IMatrixCommand, IMatrixEvent> Matrix() =>
        new(ResponsibilityMatrixDecider.Decide, (s, e) => ResponsibilityMatrixDecider.Apply(s, e));

    public static DeciderSpec<ResponsibilityMatrix, IMatrixCommand, IMatrixEvent> Matrix(RegistrySnapshot registry) =>
        new((s, c) => ResponsibilityMatrixDecider.Decide(s, c, registry), (s, e) => ResponsibilityMatrixDecider.Apply(s, e));

    public static DeciderSpec<Incident, IIncidentCommand, IIncidentEvent> Incident() =>
        new((s, c) => IncidentDecider.Decide(s, c, WorkingCalendar.ChinaDefault), (s, e) => IncidentDecider.Apply(s, e));
}
