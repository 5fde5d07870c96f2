using Governance.Domain;
using Governance.Domain.Demo;
using Governance.Domain.Registry;
using Governance.Domain.Regions;
using Governance.Geography;
using NetTopologySuite.Geometries;

namespace Governance.Incidents.Demo;

/// <summary>A generated county: coded, named townships, villages and grids whose boundaries tile its outline.</summary>
public sealed record CountyLayout(
    string CountyCode,
    string CountyName,
    IReadOnlyList<(string Code, string Name)> Townships,
    IReadOnlyList<(string Code, string Name)> Villages,
    IReadOnlyList<(string Code, string Name, Geometry Boundary)> Grids)
{
    /// <summary>
    /// Tessellates <paramref name="outline"/> (WGS84) into townships, villages and grids and gives them GB/T-style
    /// codes: subdistricts (街道) 001–0xx and towns (镇) from 100 (GB/T 10114), communities (社区) 001–199 and
    /// villages (村) from 200 under them, grids numbered 001… within their village.
    /// </summary>
    public static CountyLayout Generate(Geometry outline, string countyCode, string countyName, TessellationOptions options, int nameSeed)
    {
        var county = RegionCode.Parse(countyCode);
        if (county.Level != RegionLevel.County)
        {
            throw new ArgumentException($"{countyCode} is not a county code.", nameof(countyCode));
        }
        var root = RegionTessellator.GenerateCounty(outline, options);
        // The few townships nearest the county's centre are urban subdistricts: that is where a county seat is.
        var centre = outline.Centroid;
        var subdistrictCount = Math.Max(1, root.Children.Count / 5);
        var urban = root.Children
            .OrderBy(t => Geodesy.DistanceMeters(t.InteriorPoint, new GeoPoint(centre.X, centre.Y)))
            .Take(subdistrictCount)
            .ToHashSet();

        var townships = new List<(string, string)>();
        var villages = new List<(string, string)>();
        var grids = new List<(string, string, Geometry)>();
        int nextSubdistrict = 1, nextTown = 100, villageNameIndex = 0;
        for (var t = 0; t < root.Children.Count; t++)
        {
            var township = root.Children[t];
            var isSubdistrict = urban.Contains(township);
            var townshipCode = countyCode + (isSubdistrict ? nextSubdistrict++ : nextTown++).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
            townships.Add((townshipCode, DemoNames.Township(nameSeed, t, isSubdistrict)));
            int nextCommunity = 1, nextVillage = 200;
            foreach (var village in township.Children)
            {
                var villageCode = townshipCode + (isSubdistrict ? nextCommunity++ : nextVillage++).ToString("D3", System.Globalization.CultureInfo.InvariantCulture);
                var villageName = DemoNames.Village(nameSeed, villageNameIndex++, isSubdistrict);
                villages.Add((villageCode, villageName));
                var serial = 0;
                foreach (var grid in village.Children)
                {
                    serial++;
                    grids.Add((villageCode + serial.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), DemoNames.Grid(villageName, serial), grid.Boundary));
                }
            }
        }
        return new CountyLayout(countyCode, countyName, townships, villages, grids);
    }

    /// <summary>The registry commands that create this county with the demo catalogue (departments, categories, matrix).</summary>
    public DemoCatalogue Catalogue() =>
        DemoCatalog.Build(CountyCode, CountyName, Townships)
            .WithLocalRules([.. Villages.Select(v => v.Code)], [.. Grids.Select(g => g.Code)]);

    public IEnumerable<DefineRegion> VillageCommands(Actor by, DateTimeOffset now) =>
        Villages.Select(v => new DefineRegion(v.Code, v.Name, by, now));

    public IEnumerable<DefineGrid> GridCommands(Actor by, DateTimeOffset now) =>
        Grids.Select(g => new DefineGrid(g.Code, g.Name, GeometryWkb.ToWkb(g.Boundary), [], by, now));
}
