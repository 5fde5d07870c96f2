namespace Governance.Domain;

/// <summary>
/// Names of the event streams, one per entity. The prefixes are part of the storage format: renaming one orphans
/// every stream already written, so they are constants here and nowhere else.
/// </summary>
public static class StreamNames
{
    public const string RegionPrefix = "region-";
    public const string GridPrefix = "grid-";
    public const string DepartmentPrefix = "department-";
    public const string CategoryPrefix = "category-";
    public const string MatrixPrefix = "matrix-";
    public const string IncidentPrefix = "incident-";

    public static string Region(string code) => RegionPrefix + code;

    public static string Grid(string code) => GridPrefix + code;

    public static string Department(string code) => DepartmentPrefix + code;

    public static string Category(string code) => CategoryPrefix + code;

    /// <summary>All responsibility rules of one county live in one stream, so a change is checked against them all.</summary>
    public static string Matrix(string countyCode) => MatrixPrefix + countyCode;

    public static string Incident(string id) => IncidentPrefix + id;
}
