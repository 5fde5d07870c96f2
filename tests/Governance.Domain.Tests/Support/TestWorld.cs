using Governance.Domain.Calendar;
using Governance.Domain.Regions;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using static Governance.Domain.Tests.Fixtures;

namespace Governance.Domain.Tests;

/// <summary>
/// A small county built from registry events, with a rule at every level of precedence:
/// <list type="bullet">
/// <item>浒山街道 330282001 (has a command office): village 330282001001 has a village rule for LE-0101; its grid 002
/// also has a grid rule.</item>
/// <item>观海卫镇 330282101 (has a command office): a township rule for LE-0101; grid 330282101001001 has a grid rule
/// naming a retired department.</item>
/// <item>龙山镇 330282102 (no command office): only the county rule applies.</item>
/// </list>
/// </summary>
internal static class TestWorld
{
    public const string County = "330282";
    public const string Subdistrict = "330282001";
    public const string Town = "330282101";
    public const string TownWithoutOffice = "330282102";

    public const string SubdistrictGridWithVillageRule = "330282001001001";
    public const string SubdistrictGridWithGridRule = "330282001001002";
    public const string TownGridWithRetiredRule = "330282101001001";
    public const string TownGrid = "330282101001002";
    public const string BareTownGrid = "330282102001001";

    public const string Garbage = "LE-0101";
    public const string Food = "MS-0102";
    public const string Other = "SG-9901";
    public const string OldCategory = "XX-0001";

    public static readonly DuplicatePolicy NoDuplicates = DuplicatePolicy.None;

    public static IReadOnlyList<IDomainEvent> Events { get; } = BuildEvents();

    public static RegistrySnapshot Snapshot { get; } = RegistrySnapshot.FromEvents(Events);

    private static List<IDomainEvent> BuildEvents()
    {
        var events = new List<IDomainEvent>
        {
            Region("330282", "慈溪市", RegionLevel.County, "330200"),
            Region(Subdistrict, "浒山街道", RegionLevel.Township, County),
            Region(Town, "观海卫镇", RegionLevel.Township, County),
            Region(TownWithoutOffice, "龙山镇", RegionLevel.Township, County),
            Region("330282001001", "城东社区", RegionLevel.Village, Subdistrict),
            Region("330282101001", "卫东村", RegionLevel.Village, Town),
            Region("330282102001", "龙头村", RegionLevel.Village, TownWithoutOffice),
            GridOf(SubdistrictGridWithVillageRule, "城东社区第1网格"),
            GridOf(SubdistrictGridWithGridRule, "城东社区第2网格"),
            GridOf(TownGridWithRetiredRule, "卫东村第1网格"),
            GridOf(TownGrid, "卫东村第2网格"),
            GridOf(BareTownGrid, "龙头村第1网格"),
            Dept("330282-ZHZX", "慈溪市综合指挥中心", DepartmentKind.CountyCommandCenter, County),
            Dept("330282-CGJ", "慈溪市综合行政执法局", DepartmentKind.CountyBureau, County),
            Dept("330282-SJJ", "慈溪市市场监督管理局", DepartmentKind.CountyBureau, County),
            Dept("330282-STHJ", "慈溪市生态环境分局", DepartmentKind.CountyBureau, County),
            Dept("330282-OLD", "慈溪市城市管理局", DepartmentKind.CountyBureau, County),
            new DepartmentRetired("330282-OLD", "机构改革", Admin, Now),
            Dept("330282001-ZHXX", "浒山街道综合信息指挥室", DepartmentKind.TownshipCommandOffice, Subdistrict),
            Dept("330282001-ZFZD", "浒山街道综合行政执法中队", DepartmentKind.TownshipOffice, Subdistrict),
            Dept("330282101-ZHXX", "观海卫镇综合信息指挥室", DepartmentKind.TownshipCommandOffice, Town),
            Dept("330282101-ZFZD", "观海卫镇综合行政执法中队", DepartmentKind.TownshipOffice, Town),
            Cat(Garbage, "暴露垃圾", TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(1), autoDispatch: true),
            Cat(Food, "食品安全隐患", TimeLimit.WorkingHours(2), TimeLimit.WorkingDays(3), autoDispatch: true),
            Cat(Other, "其他事项", TimeLimit.WorkingDays(1), TimeLimit.WorkingDays(5), autoDispatch: false),
            Cat(OldCategory, "旧事项", TimeLimit.WorkingDays(1), TimeLimit.WorkingDays(5), autoDispatch: false),
            new CategoryRetired(OldCategory, "合并", Admin, Now),
            Rule(County, RegionLevel.County, Garbage, "330282-CGJ"),
            Rule(County, RegionLevel.County, Food, "330282-SJJ"),
            Rule(Town, RegionLevel.Township, Garbage, "330282101-ZFZD"),
            Rule("330282001001", RegionLevel.Village, Garbage, "330282001-ZFZD"),
            Rule(SubdistrictGridWithGridRule, RegionLevel.Grid, Garbage, "330282-STHJ"),
            Rule(TownGridWithRetiredRule, RegionLevel.Grid, Garbage, "330282-OLD"),
        };
        return events;
    }

    public static RegionDefined Region(string code, string name, RegionLevel level, string? parent) => new(code, name, level, parent, Admin, Now);

    public static GridDefined GridOf(string code, string name) => new(code, name, code[..12], Boundary, [], Admin, Now);

    public static DepartmentDefined Dept(string code, string name, DepartmentKind kind, string region) =>
        new(code, name, Platform.LawEnforcement, kind, region, Admin, Now);

    public static CategoryDefined Cat(string code, string name, TimeLimit sign, TimeLimit handle, bool autoDispatch) =>
        new(code, name, Platform.LawEnforcement, sign, handle, autoDispatch, false, NoDuplicates, Admin, Now);

    public static ResponsibilityRuleSet Rule(string scope, RegionLevel level, string category, string department) =>
        new(County, scope, level, category, department, null, Admin, Now);
}
