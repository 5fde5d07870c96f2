namespace Governance.Domain.Registry;

/// <summary>The four platforms (四平台) every department and category belongs to.</summary>
public enum Platform
{
    /// <summary>综治工作: social governance — disputes, public order, safety, petitions.</summary>
    SocialGovernance = 1,

    /// <summary>市场监管: market supervision — licences, food safety, prices, product quality.</summary>
    MarketSupervision = 2,

    /// <summary>综合执法: comprehensive law enforcement — city appearance, street order, illegal building.</summary>
    LawEnforcement = 3,

    /// <summary>便民服务: public services — utilities, roads, welfare, citizens' requests.</summary>
    PublicServices = 4,
}

/// <summary>What sort of unit a department is; the command offices are what routing falls back to.</summary>
public enum DepartmentKind
{
    /// <summary>A county bureau (县级部门), e.g. 综合行政执法局, 市场监管局. Owned by a county.</summary>
    CountyBureau = 1,

    /// <summary>A township's platform office (乡镇四平台), e.g. 综合行政执法中队. Owned by a township.</summary>
    TownshipOffice = 2,

    /// <summary>乡镇综合信息指挥室: registers and dispatches for one township; gets what no rule assigns.</summary>
    TownshipCommandOffice = 3,

    /// <summary>县综合指挥中心: registers, dispatches and supervises for the county; the last resort of routing.</summary>
    CountyCommandCenter = 4,
}
