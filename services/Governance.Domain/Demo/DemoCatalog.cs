using Governance.Domain.Calendar;
using Governance.Domain.Regions;
using Governance.Domain.Registry;

namespace Governance.Domain.Demo;

/// <summary>The registry of a demo county, as states; <see cref="ToSeed"/> turns it into the commands that create it.</summary>
public sealed record DemoCatalogue(
    string CountyCode,
    string CountyName,
    IReadOnlyList<Region> Regions,
    IReadOnlyList<Department> Departments,
    IReadOnlyList<Category> Categories,
    IReadOnlyList<ResponsibilityRule> Rules)
{
    /// <summary>The catalogue plus village- and grid-level rules for the given villages and grids (see <see cref="DemoCatalog.LocalRules"/>).</summary>
    public DemoCatalogue WithLocalRules(IReadOnlyList<string> villageCodes, IReadOnlyList<string> gridCodes) =>
        this with { Rules = [.. Rules, .. DemoCatalog.LocalRules(CountyCode, villageCodes, gridCodes)] };

    /// <summary>The commands that write this catalogue into the registry streams, in an order that satisfies every reference.</summary>
    public DemoSeed ToSeed(Actor by, DateTimeOffset now) => new(
        [.. Regions.Select(r => new DefineRegion(r.Code, r.Name, by, now))],
        [.. Departments.Select(d => new DefineDepartment(d.Code, d.Name, d.Platform, d.Kind, d.OwningRegionCode, by, now))],
        [.. Categories.Select(c => new DefineCategory(c.Code, c.Name, c.Platform, c.SignLimit, c.HandleLimit, c.AutoDispatch, c.RequiresAfterPhoto, c.Duplicates, by, now))],
        [.. Rules.Select(r => new SetResponsibilityRule(CountyCode, r.ScopeCode, r.CategoryCode, r.DepartmentCode, by, now))]);
}

/// <summary>Commands that create a demo catalogue: regions, then departments and categories, then the matrix.</summary>
public sealed record DemoSeed(
    IReadOnlyList<DefineRegion> Regions,
    IReadOnlyList<DefineDepartment> Departments,
    IReadOnlyList<DefineCategory> Categories,
    IReadOnlyList<SetResponsibilityRule> Rules);

/// <summary>
/// A realistic catalogue for a demo county: the county command center and bureaus, each township's information-command
/// office and four-platform offices, about forty categories modelled on GB/T 30428 city-management parts and events
/// and on Zhejiang 四平台 matters, and a responsibility matrix that uses every level of rule precedence.
/// </summary>
public static class DemoCatalog
{
    // Department code suffixes (pinyin initials), appended to the owning county's or township's code.
    public const string CountyCommandCenter = "ZHZX";        // 综合指挥中心
    public const string TownshipCommandOffice = "ZHXX";      // 综合信息指挥室
    public const string TownshipSocialGovernance = "ZZB";    // 综治工作中心 (平安办)
    public const string TownshipMarketSupervision = "SCJGS"; // 市场监管所
    public const string TownshipLawEnforcement = "ZFZD";     // 综合行政执法中队
    public const string TownshipPublicServices = "BMFW";     // 便民服务中心

    /// <summary>The one category with no rule anywhere, so routing's fallback to the township office is always exercised.</summary>
    public const string OtherCategory = "SG-9901";

    private static readonly (string Suffix, string Name, Platform Platform)[] CountyBureaus =
    [
        ("CGJ", "综合行政执法局", Platform.LawEnforcement),
        ("SJJ", "市场监督管理局", Platform.MarketSupervision),
        ("STHJ", "生态环境分局", Platform.LawEnforcement),
        ("JJDD", "公安局交通警察大队", Platform.SocialGovernance),
        ("YJJ", "应急管理局", Platform.SocialGovernance),
        ("ZJJ", "住房和城乡建设局", Platform.PublicServices),
        ("SLJ", "水利局", Platform.PublicServices),
        ("GAJ", "公安局", Platform.SocialGovernance),
        ("WJJ", "卫生健康局", Platform.PublicServices),
        ("MZJ", "民政局", Platform.PublicServices),
        ("XFJ", "信访局", Platform.SocialGovernance),
        ("SFJ", "司法局", Platform.SocialGovernance),
        ("ZRZY", "自然资源和规划局", Platform.LawEnforcement),
        ("JTJ", "交通运输局", Platform.PublicServices),
        ("NYNC", "农业农村局", Platform.PublicServices),
        ("XFJY", "消防救援大队", Platform.SocialGovernance),
        ("GD", "供电公司", Platform.PublicServices),
        ("GS", "自来水公司", Platform.PublicServices),
    ];

    private static readonly (string Suffix, string Name, Platform Platform)[] TownshipOffices =
    [
        (TownshipSocialGovernance, "综治工作中心", Platform.SocialGovernance),
        (TownshipMarketSupervision, "市场监管所", Platform.MarketSupervision),
        (TownshipLawEnforcement, "综合行政执法中队", Platform.LawEnforcement),
        (TownshipPublicServices, "便民服务中心", Platform.PublicServices),
    ];

    // Duplicate windows: street nuisances repeat within a day and a few dozen metres; pollution spreads wider and lasts.
    private static readonly DuplicatePolicy Street = new(50, 24 * 60);
    private static readonly DuplicatePolicy Pollution = new(200, 3 * 24 * 60);
    private static readonly DuplicatePolicy Facility = new(30, 3 * 24 * 60);
    private static readonly DuplicatePolicy Off = DuplicatePolicy.None;

    /// <summary>How the matrix treats a category beyond its county default.</summary>
    private enum Local
    {
        None,

        /// <summary>Towns (镇/乡) clean and police their own streets; subdistricts (街道) keep the county's service.</summary>
        TownLawEnforcement,

        /// <summary>Every township's own office of the category's platform.</summary>
        TownshipOffice,

        /// <summary>Every township's information-command office (urgent hotline demands are coordinated there).</summary>
        TownshipCommand,
    }

    private static readonly (string Code, string Name, Platform Platform, TimeLimit Sign, TimeLimit Handle, bool Auto, bool Photo, DuplicatePolicy Duplicates, string? County, Local Local)[] CategoryTable =
    [
        // 综合执法: city appearance (市容环境), advertising, building, street order, pollution.
        ("LE-0101", "暴露垃圾", Platform.LawEnforcement, Wh(2), Wd(1), true, true, Street, "CGJ", Local.TownLawEnforcement),
        ("LE-0102", "道路不洁", Platform.LawEnforcement, Wh(1), Wh(5), true, true, Street, "CGJ", Local.TownLawEnforcement),
        ("LE-0103", "乱堆物料", Platform.LawEnforcement, Wh(2), Wd(2), true, true, Street, "CGJ", Local.TownLawEnforcement),
        ("LE-0104", "露天焚烧", Platform.LawEnforcement, Wh(1), Wh(4), true, true, Pollution, "STHJ", Local.None),
        ("LE-0105", "河道漂浮物", Platform.LawEnforcement, Wh(2), Wd(1), true, true, Pollution, "SLJ", Local.None),
        ("LE-0201", "非法小广告", Platform.LawEnforcement, Wh(2), Wd(2), true, true, Street, "CGJ", Local.None),
        ("LE-0301", "违法建设", Platform.LawEnforcement, Wd(1), Wd(15), false, true, Off, "CGJ", Local.None),
        ("LE-0302", "违法用地", Platform.LawEnforcement, Wd(1), Wd(15), false, true, Off, "ZRZY", Local.None),
        ("LE-0303", "施工扰民", Platform.LawEnforcement, Wh(1), Wd(1), true, false, Pollution, "CGJ", Local.None),
        ("LE-0401", "占道经营", Platform.LawEnforcement, Wh(1), Wd(1), true, true, Street, "CGJ", Local.TownLawEnforcement),
        ("LE-0402", "店外经营", Platform.LawEnforcement, Wh(2), Wd(1), true, true, Street, "CGJ", Local.TownLawEnforcement),
        ("LE-0403", "非机动车乱停放", Platform.LawEnforcement, Wh(2), Wd(1), true, true, Street, "CGJ", Local.None),
        ("LE-0404", "机动车违法停放", Platform.LawEnforcement, Wh(1), Wh(2), true, true, Street, "JJDD", Local.None),
        ("LE-0501", "油烟污染", Platform.LawEnforcement, Wd(1), Wd(5), true, true, Pollution, "CGJ", Local.None),
        ("LE-0502", "违规排污", Platform.LawEnforcement, Wh(2), Wd(3), true, true, Pollution, "STHJ", Local.None),
        ("LE-0503", "噪声扰民", Platform.LawEnforcement, Wh(1), Wd(1), true, false, Pollution, "STHJ", Local.None),

        // 便民服务: public facilities (公用设施 parts) and citizens' services.
        ("PS-0101", "井盖缺失", Platform.PublicServices, Nh(1), Nh(4), true, true, Facility, "ZJJ", Local.None),
        ("PS-0102", "路灯不亮", Platform.PublicServices, Wh(4), Wd(3), true, true, Facility, "ZJJ", Local.None),
        ("PS-0103", "道路破损", Platform.PublicServices, Wh(4), Wd(5), true, true, Facility, "JTJ", Local.None),
        ("PS-0104", "道路积水", Platform.PublicServices, Nh(1), Nh(6), true, true, Facility, "ZJJ", Local.None),
        ("PS-0105", "供水管道漏水", Platform.PublicServices, Nh(1), Nh(8), true, true, Facility, "GS", Local.None),
        ("PS-0106", "电力设施故障", Platform.PublicServices, Nh(1), Nh(8), true, true, Facility, "GD", Local.None),
        ("PS-0201", "便民服务诉求", Platform.PublicServices, Wd(1), Wd(3), true, false, Off, "MZJ", Local.TownshipOffice),
        ("PS-0202", "困难群众救助", Platform.PublicServices, Wd(1), Wd(5), true, false, Off, "MZJ", Local.TownshipOffice),
        ("PS-0203", "病死动物", Platform.PublicServices, Wh(2), Wd(1), true, true, Street, "NYNC", Local.None),
        ("PS-0204", "公共卫生隐患", Platform.PublicServices, Wh(2), Wd(2), true, true, Street, "WJJ", Local.None),

        // 市场监管.
        ("MS-0101", "无证经营", Platform.MarketSupervision, Wd(1), Wd(10), true, true, Street, "SJJ", Local.TownshipOffice),
        ("MS-0102", "食品安全隐患", Platform.MarketSupervision, Wh(2), Wd(3), true, true, Street, "SJJ", Local.None),
        ("MS-0103", "价格违法", Platform.MarketSupervision, Wd(1), Wd(10), true, false, Off, "SJJ", Local.None),
        ("MS-0104", "特种设备安全隐患", Platform.MarketSupervision, Nh(1), Wd(1), true, true, Facility, "SJJ", Local.None),
        ("MS-0105", "消费纠纷", Platform.MarketSupervision, Wd(1), Wd(7), true, false, Off, "SJJ", Local.TownshipOffice),

        // 综治工作: disputes, petitions, safety, public order.
        ("SG-0101", "邻里纠纷", Platform.SocialGovernance, Wd(1), Wd(5), true, false, Off, "SFJ", Local.TownshipOffice),
        ("SG-0102", "矛盾纠纷", Platform.SocialGovernance, Wd(1), Wd(10), false, false, Off, "SFJ", Local.TownshipOffice),
        // 信访工作条例: a petition is settled within 60 days (about 40 working days) of acceptance.
        ("SG-0103", "信访事项", Platform.SocialGovernance, Wd(3), Wd(40), false, false, Off, "XFJ", Local.None),
        ("SG-0104", "消防通道堵塞", Platform.SocialGovernance, Nh(1), Nh(4), true, true, Street, "XFJY", Local.None),
        ("SG-0105", "安全生产隐患", Platform.SocialGovernance, Wh(2), Wd(3), true, true, Facility, "YJJ", Local.None),
        ("SG-0106", "治安隐患", Platform.SocialGovernance, Wh(2), Wd(2), true, false, Street, "GAJ", Local.None),
        ("SG-0107", "地质灾害隐患", Platform.SocialGovernance, Nh(1), Nh(24), true, true, Facility, "ZRZY", Local.None),
        ("SG-0201", "12345紧急诉求", Platform.SocialGovernance, Wh(1), TimeLimit.SameWorkingDay, false, false, Off, CountyCommandCenter, Local.TownshipCommand),
        ("SG-0202", "投诉", Platform.SocialGovernance, Wd(1), Wd(13), false, false, Off, "XFJ", Local.None),
        (OtherCategory, "其他事项", Platform.SocialGovernance, Wd(1), Wd(5), false, false, Off, null, Local.None),
    ];

    /// <summary>
    /// Builds the catalogue of one county. Township codes are 9-digit codes inside the county; a code numbered below
    /// 100 is a subdistrict (街道, GB/T 10114), which keeps the county's street services, while towns get their own.
    /// </summary>
    public static DemoCatalogue Build(string countyCode, string countyName, IReadOnlyList<(string Code, string Name)> townships)
    {
        var county = RegionCode.Parse(countyCode);
        if (county.Level != RegionLevel.County)
            throw DomainException.Invalid($"{countyCode} is not a county code (6 digits, e.g. 330282).");
        var countyTitle = Require.Name(countyName, "County name");
        foreach (var (code, name) in townships)
        {
            var township = RegionCode.Parse(code);
            if (township.Level != RegionLevel.Township || !county.Contains(township))
                throw DomainException.Invalid($"{code} is not a township code of county {countyCode}.");
            Require.Name(name, $"Name of township {code}");
        }
        if (townships.Select(t => t.Code).Distinct(StringComparer.Ordinal).Count() != townships.Count)
            throw DomainException.Invalid("A township code is listed twice.");

        List<Region> regions = [new Region(countyCode, countyTitle, RegionLevel.County, county.Parent!.Value.Value)];
        regions.AddRange(townships.Select(t => new Region(t.Code, t.Name.Trim(), RegionLevel.Township, countyCode)));

        List<Department> departments =
        [
            new Department(Code(countyCode, CountyCommandCenter), $"{countyTitle}综合指挥中心", Platform.SocialGovernance,
                DepartmentKind.CountyCommandCenter, countyCode),
        ];
        departments.AddRange(CountyBureaus.Select(b =>
            new Department(Code(countyCode, b.Suffix), countyTitle + b.Name, b.Platform, DepartmentKind.CountyBureau, countyCode)));
        foreach (var (code, name) in townships)
        {
            var title = name.Trim();
            // The command office sits on the social-governance platform: in Zhejiang practice the 综合信息指挥室 and the
            // 综治 platform share one room and one head.
            departments.Add(new Department(Code(code, TownshipCommandOffice), $"{title}综合信息指挥室", Platform.SocialGovernance,
                DepartmentKind.TownshipCommandOffice, code));
            departments.AddRange(TownshipOffices.Select(o =>
                new Department(Code(code, o.Suffix), title + o.Name, o.Platform, DepartmentKind.TownshipOffice, code)));
        }

        var categories = CategoryTable
            .Select(c => new Category(c.Code, c.Name, c.Platform, c.Sign, c.Handle, c.Auto, c.Photo, c.Duplicates))
            .ToList();

        var rules = new List<ResponsibilityRule>();
        foreach (var c in CategoryTable)
        {
            if (c.County is null)
                continue;
            rules.Add(new ResponsibilityRule(countyCode, RegionLevel.County, c.Code, Code(countyCode, c.County)));
            foreach (var (code, _) in townships)
            {
                var office = c.Local switch
                {
                    Local.TownLawEnforcement when !DemoNames.IsSubdistrictCode(code) => TownshipLawEnforcement,
                    Local.TownshipOffice => TownshipOffices.First(o => o.Platform == c.Platform).Suffix,
                    Local.TownshipCommand => TownshipCommandOffice,
                    _ => null,
                };
                if (office is not null)
                    rules.Add(new ResponsibilityRule(code, RegionLevel.Township, c.Code, Code(code, office)));
            }
        }
        return new DemoCatalogue(countyCode, countyTitle, regions, departments, categories, rules);
    }

    /// <summary>
    /// Village- and grid-level rules that override the county and township ones, chosen by position in the sorted
    /// lists so the result is deterministic: every third village sends blocked fire lanes (消防通道堵塞) to its
    /// township's 综治工作中心, which runs the old residential compounds there; every fifth grid holds a farmers'
    /// market, so its food-safety hazards (食品安全隐患) go to the township's 市场监管所; every seventh grid lies on a
    /// trunk road swept by the county, so its exposed garbage (暴露垃圾) goes to the county 综合行政执法局.
    /// </summary>
    public static IReadOnlyList<ResponsibilityRule> LocalRules(string countyCode, IReadOnlyList<string> villageCodes, IReadOnlyList<string> gridCodes)
    {
        var county = RegionCode.Parse(countyCode);
        var rules = new List<ResponsibilityRule>();
        var villages = Inside(county, villageCodes, RegionLevel.Village);
        for (var i = 0; i < villages.Length; i += 3)
            rules.Add(new ResponsibilityRule(villages[i], RegionLevel.Village, "SG-0104", Code(villages[i][..9], TownshipSocialGovernance)));
        var grids = Inside(county, gridCodes, RegionLevel.Grid);
        for (var i = 0; i < grids.Length; i++)
        {
            if (i % 5 == 0)
                rules.Add(new ResponsibilityRule(grids[i], RegionLevel.Grid, "MS-0102", Code(grids[i][..9], TownshipMarketSupervision)));
            if (i % 7 == 0)
                rules.Add(new ResponsibilityRule(grids[i], RegionLevel.Grid, "LE-0101", Code(countyCode, "CGJ")));
        }
        return rules;
    }

    /// <summary>The department code of a unit: its owning region's code and its suffix, e.g. 330282-CGJ.</summary>
    public static string Code(string regionCode, string suffix) => $"{regionCode}-{suffix}";

    private static string[] Inside(RegionCode county, IReadOnlyList<string> codes, RegionLevel level)
    {
        foreach (var text in codes)
        {
            var code = RegionCode.Parse(text);
            if (code.Level != level || !county.Contains(code))
                throw DomainException.Invalid($"{text} is not a {level.ToString().ToLowerInvariant()} code of county {county}.");
        }
        return [.. codes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    private static TimeLimit Wh(int hours) => TimeLimit.WorkingHours(hours);

    private static TimeLimit Wd(int days) => TimeLimit.WorkingDays(days);

    private static TimeLimit Nh(int hours) => TimeLimit.NaturalHours(hours);
}
