using System.Globalization;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Governance.Geography.Tests;

/// <summary>
/// Acceptance test against a real city: NYC 311 requests carry the community board they were
/// filed under; locating their coordinates among the community-district polygons must agree.
/// </summary>
public class NycTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, int> BoroughCodes = new(StringComparer.Ordinal)
    {
        ["MANHATTAN"] = 1,
        ["BRONX"] = 2,
        ["BROOKLYN"] = 3,
        ["QUEENS"] = 4,
        ["STATEN ISLAND"] = 5,
    };

    [SharedDataFact]
    public void Locating_311_requests_agrees_with_their_community_board()
    {
        IReadOnlyList<LayerFeature> districts;
        using (var stream = File.OpenRead(SharedData.PathOf("nyc311", "community_districts.geojson")))
        {
            districts = GeoJsonLayerReader.Read(stream, new GeoJsonLayerOptions { CodeProperty = "BoroCD", SourceCrs = CoordinateSystem.Wgs84 });
        }

        Assert.Equal(71, districts.Count);
        var geometries = districts.Select(d => d.Geometry).ToList();
        var locator = new PolygonLocator(geometries);
        var naive = new NaiveLocator(geometries);

        using var reader = new StreamReader(SharedData.PathOf("nyc311", "nyc311_sample_2018-10_hadro.csv"), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var rows = Csv.Read(reader).GetEnumerator();
        Assert.True(rows.MoveNext());
        var header = rows.Current;
        var latColumn = Array.IndexOf(header, "Latitude");
        var lonColumn = Array.IndexOf(header, "Longitude");
        var boardColumn = Array.IndexOf(header, "Community Board");
        Assert.True(latColumn >= 0 && lonColumn >= 0 && boardColumn >= 0, "header columns (a BOM would hide the first one)");
        Assert.Equal("Unique Key", header[0]);

        int total = 0, considered = 0, agreed = 0, outside = 0;
        while (rows.MoveNext())
        {
            var row = rows.Current;
            Assert.Equal(header.Length, row.Length);
            total++;
            var expected = BoardCode(row[boardColumn]);
            if (expected is null
                || !double.TryParse(row[latColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                || !double.TryParse(row[lonColumn], NumberStyles.Float, CultureInfo.InvariantCulture, out var lon))
            {
                continue;
            }

            considered++;
            var index = locator.Locate(lon, lat);
            Assert.Equal(naive.Locate(lon, lat), index);
            if (index < 0)
            {
                outside++;
            }
            else if (districts[index].Code == expected)
            {
                agreed++;
            }
        }

        var agreement = (double)agreed / considered;
        output.WriteLine(FormattableString.Invariant(
            $"NYC 311 (2018-10 sample): {total} rows, {considered} with coordinates and a board, {agreed} agree = {agreement:P2}; {outside} outside every district"));
        Assert.Equal(6765, total);
        Assert.True(considered > 6400);
        Assert.True(agreement >= 0.995, FormattableString.Invariant($"agreement {agreement:P2}"));
    }

    [Theory]
    [InlineData("12 MANHATTAN", "112")]
    [InlineData("05 QUEENS", "405")]
    [InlineData("01 STATEN ISLAND", "501")]
    [InlineData("Unspecified BROOKLYN", null)]
    [InlineData("0 Unspecified", null)]
    [InlineData("", null)]
    public void Board_names_map_to_BoroCD(string board, string? expected) => Assert.Equal(expected, BoardCode(board));

    [Fact]
    public void Csv_reader_handles_quotes_commas_and_doubled_quotes()
    {
        var rows = Csv.Read(new StringReader("a,b,c\r\n1,\"1,017,901\",\"say \"\"hi\"\"\"\n,,\n")).ToList();
        Assert.Equal(3, rows.Count);
        Assert.Equal(["1", "1,017,901", "say \"hi\""], rows[1]);
        Assert.Equal(["", "", ""], rows[2]);
    }

    private static string? BoardCode(string board)
    {
        var space = board.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0
            || !int.TryParse(board.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number == 0
            || !BoroughCodes.TryGetValue(board[(space + 1)..].Trim(), out var borough))
        {
            return null;
        }

        return (borough * 100 + number).ToString(CultureInfo.InvariantCulture);
    }
}
