namespace Governance.Domain.Regions;

/// <summary>The five levels of the region tree (行政区划), from the top.</summary>
public enum RegionLevel
{
    /// <summary>市: 6 digits ending in "00" (GB/T 2260), e.g. 330200 宁波市.</summary>
    City = 1,

    /// <summary>县/区/县级市: 6 digits (GB/T 2260), e.g. 330282 慈溪市.</summary>
    County = 2,

    /// <summary>乡镇/街道: county + 3 digits (GB/T 10114), e.g. 330282001.</summary>
    Township = 3,

    /// <summary>村/社区: township + 3 digits, e.g. 330282001001.</summary>
    Village = 4,

    /// <summary>网格: village + 3-digit serial, e.g. 330282001001001.</summary>
    Grid = 5,
}
