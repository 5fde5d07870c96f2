namespace Governance.Geography;

/// <summary>A longitude/latitude pair in degrees. Longitude first, as in GeoJSON and WKB.</summary>
public readonly record struct GeoPoint(double Longitude, double Latitude)
{
    /// <summary>True when both values are finite and inside the ranges of geographic degrees.</summary>
    public bool IsValid => GeoValidation.IsValid(Longitude, Latitude);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <see cref="IsValid"/>.</summary>
    public GeoPoint EnsureValid()
    {
        GeoValidation.EnsureValid(Longitude, Latitude);
        return this;
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({Longitude}, {Latitude})");
}

/// <summary>The coordinate systems a report or a boundary file can be in.</summary>
public enum CoordinateSystem
{
    /// <summary>GPS / EPSG:4326.</summary>
    Wgs84,

    /// <summary>The obfuscated system of Chinese consumer maps (AMap, Tencent, DataV).</summary>
    Gcj02,
}

/// <summary>Range checks for geographic coordinates.</summary>
public static class GeoValidation
{
    /// <summary>
    /// Latitude in [-90, 90], longitude in [-180, 180], both finite. NaN fails every comparison,
    /// so it is rejected without a separate test.
    /// </summary>
    public static bool IsValid(double longitude, double latitude) =>
        longitude >= -180.0 && longitude <= 180.0 && latitude >= -90.0 && latitude <= 90.0;

    public static void EnsureValid(double longitude, double latitude)
    {
        if (!(longitude >= -180.0 && longitude <= 180.0))
        {
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, "Longitude must be a finite number in [-180, 180].");
        }

        if (!(latitude >= -90.0 && latitude <= 90.0))
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), latitude, "Latitude must be a finite number in [-90, 90].");
        }
    }
}
