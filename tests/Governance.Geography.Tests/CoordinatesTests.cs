using Xunit;

namespace Governance.Geography.Tests;

public class CoordinatesTests
{
    // Published WGS84 → GCJ-02 pairs (lat, lon order in the sources):
    //  - googollee/eviltransform, go/transform_test.go: Shanghai, Shenzhen, Beijing;
    //  - wandergis/coordtransform, test/app.js: wgs84togcj02(116.404, 39.915).
    public static TheoryData<double, double, double, double> PublishedPairs => new()
    {
        { 121.5272106, 31.1774276, 121.531541859215, 31.17530398364597 },
        { 113.912316, 22.543847, 113.9171764808363, 22.540796131694766 },
        { 116.377817, 39.911954, 116.38404722455657, 39.91334545536069 },
        { 116.404, 39.915, 116.41024449916938, 39.91640428150164 },
    };

    [Theory]
    [MemberData(nameof(PublishedPairs))]
    public void Wgs84ToGcj02_matches_published_vectors(double wgsLon, double wgsLat, double gcjLon, double gcjLat)
    {
        var gcj = ChinaCoordinates.Wgs84ToGcj02(new GeoPoint(wgsLon, wgsLat));

        // 1e-9° ≈ 0.1 mm: the same formula, up to the order of floating-point operations.
        Assert.Equal(gcjLon, gcj.Longitude, 1e-9);
        Assert.Equal(gcjLat, gcj.Latitude, 1e-9);
    }

    [Theory]
    [MemberData(nameof(PublishedPairs))]
    public void Gcj02ToWgs84_inverts_published_vectors(double wgsLon, double wgsLat, double gcjLon, double gcjLat)
    {
        var wgs = ChinaCoordinates.Gcj02ToWgs84(new GeoPoint(gcjLon, gcjLat));
        Assert.True(Geodesy.DistanceMeters(wgs, new GeoPoint(wgsLon, wgsLat)) < 0.001);
    }

    [Fact]
    public void Inverse_round_trips_across_China_to_well_under_a_metre()
    {
        var worst = 0.0;
        for (var lon = 73.5; lon <= 135.0; lon += 0.5)
        {
            for (var lat = 3.9; lat <= 53.5; lat += 0.5)
            {
                var wgs = new GeoPoint(lon, lat);
                var back = ChinaCoordinates.Gcj02ToWgs84(ChinaCoordinates.Wgs84ToGcj02(wgs));
                worst = Math.Max(worst, Geodesy.DistanceMeters(wgs, back));

                // Also the other way round: GCJ-02 points picked on a map.
                var gcj = new GeoPoint(lon, lat);
                var again = ChinaCoordinates.Wgs84ToGcj02(ChinaCoordinates.Gcj02ToWgs84(gcj));
                worst = Math.Max(worst, Geodesy.DistanceMeters(gcj, again));
            }
        }

        Assert.True(worst < 1e-3, $"worst round trip error {worst} m");
    }

    [Fact]
    public void The_offset_is_hundreds_of_metres_inside_China_and_zero_outside()
    {
        var cixi = new GeoPoint(121.25, 30.17);
        var offset = Geodesy.DistanceMeters(cixi, ChinaCoordinates.Wgs84ToGcj02(cixi));
        Assert.InRange(offset, 200, 800);

        var newYork = new GeoPoint(-73.97, 40.78);
        Assert.True(ChinaCoordinates.IsOutsideChina(newYork));
        Assert.Equal(newYork, ChinaCoordinates.Wgs84ToGcj02(newYork));
        Assert.Equal(newYork, ChinaCoordinates.Gcj02ToWgs84(newYork));
        Assert.False(ChinaCoordinates.IsOutsideChina(cixi));
    }

    [Fact]
    public void ToWgs84_and_FromWgs84_dispatch_on_the_coordinate_system()
    {
        var p = new GeoPoint(121.5, 29.9);
        Assert.Equal(p, ChinaCoordinates.ToWgs84(p, CoordinateSystem.Wgs84));
        Assert.Equal(p, ChinaCoordinates.FromWgs84(p, CoordinateSystem.Wgs84));
        Assert.Equal(ChinaCoordinates.Gcj02ToWgs84(p), ChinaCoordinates.ToWgs84(p, CoordinateSystem.Gcj02));
        Assert.Equal(ChinaCoordinates.Wgs84ToGcj02(p), ChinaCoordinates.FromWgs84(p, CoordinateSystem.Gcj02));
    }

    [Fact]
    public void Haversine_matches_the_published_Rosetta_Code_value()
    {
        // Rosetta Code "Haversine formula": BNA (36.12, -86.67) to LAX (33.94, -118.40) is
        // 2887.2599506071106 km with R = 6372.8 km and 2886.444442837983 km with R = 6371.0 km.
        var bna = new GeoPoint(-86.67, 36.12);
        var lax = new GeoPoint(-118.40, 33.94);
        Assert.Equal(2887.2599506071106, Geodesy.HaversineMeters(bna, lax, 6372800) / 1000, 1e-6);
        Assert.Equal(2886.444442837983, Geodesy.HaversineMeters(bna, lax, 6371000) / 1000, 1e-6);
        Assert.Equal(Geodesy.DistanceMeters(bna, lax), Geodesy.DistanceMeters(lax, bna), 1e-6);
        Assert.Equal(0, Geodesy.DistanceMeters(bna, bna));
    }

    [Fact]
    public void One_degree_of_latitude_on_the_mean_sphere()
    {
        // 2πR/360 with R = 6371008.8 m.
        var d = Geodesy.DistanceMeters(new GeoPoint(121, 30), new GeoPoint(121, 31));
        Assert.Equal(111_195.08, d, 0.01);
    }

    [Fact]
    public void Local_scale_matches_WGS84_degree_lengths()
    {
        // Standard WGS84 values at 30°: 1° of latitude ≈ 110,852 m, 1° of longitude ≈ 96,486 m;
        // at the equator 110,574 m and 111,320 m.
        var at30 = LocalScale.At(30);
        Assert.Equal(110_852, at30.MetersPerDegreeLatitude, 1.0);
        Assert.Equal(96_486, at30.MetersPerDegreeLongitude, 1.0);
        var at0 = LocalScale.At(0);
        Assert.Equal(110_574, at0.MetersPerDegreeLatitude, 1.0);
        Assert.Equal(111_320, at0.MetersPerDegreeLongitude, 1.0);
        Assert.Equal(100, at30.DegreesLongitudeToMeters(at30.MetersToDegreesLongitude(100)), 1e-9);
        Assert.Equal(100, at30.DegreesLatitudeToMeters(at30.MetersToDegreesLatitude(100)), 1e-9);
    }

    [Fact]
    public void Spherical_area_of_a_one_degree_cell()
    {
        // R²·Δλ·(sin φ2 − sin φ1) on the authalic sphere, for the cell 121–122 E, 30–31 N.
        var cell = GeoGeometry.Wgs84Factory.CreatePolygon(
            [new(121, 30), new(122, 30), new(122, 31), new(121, 31), new(121, 30)]);
        var r = Geodesy.AuthalicEarthRadiusMeters;
        var expected = r * r * (Math.PI / 180) * (Math.Sin(31 * Math.PI / 180) - Math.Sin(30 * Math.PI / 180));
        Assert.Equal(expected, Geodesy.AreaSquareMeters(cell), expected * 1e-12);
    }

    [Theory]
    [InlineData(121.0, 30.0, true)]
    [InlineData(-180.0, -90.0, true)]
    [InlineData(180.0, 90.0, true)]
    [InlineData(180.0001, 30.0, false)]
    [InlineData(121.0, -90.5, false)]
    [InlineData(double.NaN, 30.0, false)]
    [InlineData(121.0, double.PositiveInfinity, false)]
    public void Validation_checks_ranges_and_finiteness(double lon, double lat, bool valid)
    {
        Assert.Equal(valid, GeoValidation.IsValid(lon, lat));
        Assert.Equal(valid, new GeoPoint(lon, lat).IsValid);
        if (valid)
        {
            new GeoPoint(lon, lat).EnsureValid();
        }
        else
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new GeoPoint(lon, lat).EnsureValid());
        }
    }
}
