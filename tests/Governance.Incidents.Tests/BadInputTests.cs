using System.Net;
using System.Net.Http.Headers;
using Governance.Contracts.V1;
using Governance.Grpc;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>
/// What a hurried grid worker, a retrying phone and a careless integrator send: each gets a clear error with the
/// right status, nothing is stored, and the server goes on serving.
/// </summary>
public sealed class BadInputTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private StandaloneHost Host => world.Host;

    public static TheoryData<string, StatusCode, string> BadReports() => new()
    {
        { "latitude 91", StatusCode.InvalidArgument, "latitude" },
        { "longitude -181", StatusCode.InvalidArgument, "longitude" },
        { "NaN", StatusCode.InvalidArgument, "finite" },
        { "infinity", StatusCode.InvalidArgument, "finite" },
        { "no location", StatusCode.InvalidArgument, "location is required" },
        { "no coordinate system", StatusCode.InvalidArgument, "coordinate_system" },
        { "negative accuracy", StatusCode.InvalidArgument, "accuracy_meters" },
        { "unknown category", StatusCode.NotFound, "ListCategories" },
        { "no category", StatusCode.InvalidArgument, "category_code" },
        { "empty description", StatusCode.InvalidArgument, "description" },
        { "whitespace description", StatusCode.InvalidArgument, "description" },
        { "oversized description", StatusCode.InvalidArgument, "2000" },
        { "ten photos", StatusCode.InvalidArgument, "photo" },
        { "bad photo hash", StatusCode.InvalidArgument, "sha256" },
        { "no channel", StatusCode.InvalidArgument, "channel" },
        { "no client report id", StatusCode.InvalidArgument, "client_report_id" },
        { "overlong reporter id", StatusCode.InvalidArgument, "reporter_id" },
        { "point in the Atlantic", StatusCode.InvalidArgument, "km from every grid" },
        { "swapped latitude and longitude", StatusCode.InvalidArgument, "latitude" },
        { "occurred next week", StatusCode.InvalidArgument, "future" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task GivenABadReport_WhenReported_ThenClearErrorAndNothingStored(string what, StatusCode expected, string messagePart)
    {
        var request = Reports.At(world.Grids[3].InteriorPoint);
        Spoil(request, what);
        var headBefore = await Host.Store.GetHeadPositionAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => Host.ReportAsync(request));

        Assert.Equal(expected, error.StatusCode);
        Assert.Contains(messagePart, error.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(headBefore, await Host.Store.GetHeadPositionAsync());
        // The server keeps serving.
        Assert.True((await Host.ReportAsync(Reports.At(world.Grids[4].InteriorPoint))).Created);
    }

    private static void Spoil(ReportIncidentRequest request, string what)
    {
        switch (what)
        {
            case "latitude 91": request.Location.Point.Latitude = 91; break;
            case "longitude -181": request.Location.Point.Longitude = -181; break;
            case "NaN": request.Location.Point.Latitude = double.NaN; break;
            case "infinity": request.Location.Point.Longitude = double.PositiveInfinity; break;
            case "no location": request.Location = null; break;
            case "no coordinate system": request.Location.CoordinateSystem = CoordinateSystem.Unspecified; break;
            case "negative accuracy": request.Location.AccuracyMeters = -3; break;
            case "unknown category": request.CategoryCode = "XX-9999"; break;
            case "no category": request.CategoryCode = ""; break;
            case "empty description": request.Description = ""; break;
            case "whitespace description": request.Description = "   \n "; break;
            case "oversized description": request.Description = new string('垃', 2001); break;
            case "ten photos":
                for (var i = 0; i < 10; i++)
                {
                    request.Photos.Add(new PhotoMetadata { PhotoId = $"p{i}", Sha256 = new string('a', 64), ContentType = "image/jpeg", SizeBytes = 1000 });
                }
                break;
            case "bad photo hash": request.Photos.Add(new PhotoMetadata { PhotoId = "p", Sha256 = "xyz", ContentType = "image/jpeg", SizeBytes = 1 }); break;
            case "no channel": request.Channel = Channel.Unspecified; break;
            case "no client report id": request.ClientReportId = ""; break;
            case "overlong reporter id": request.ReporterId = new string('r', 65); break;
            case "point in the Atlantic": request.Location.Point = Reports.Point(-30, 20); break;
            case "swapped latitude and longitude":
                (request.Location.Point.Longitude, request.Location.Point.Latitude) = (request.Location.Point.Latitude, request.Location.Point.Longitude);
                break;
            case "occurred next week": request.OccurredAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(7)); break;
            default: throw new ArgumentOutOfRangeException(nameof(what), what, null);
        }
    }

    [Fact]
    public async Task GivenMalformedProtobuf_WhenPosted_ThenInternalAndNothingStored()
    {
        var headBefore = await Host.Store.GetHeadPositionAsync();
        // A length-delimited field whose length runs past the end of the message.
        byte[] body = [0, 0, 0, 0, 3, 0x0A, 0x7F, 0x41];

        using var response = await PostAsync("application/grpc", body, new Version(2, 0));
        await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(((int)StatusCode.Internal).ToString(), response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal(headBefore, await Host.Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task GivenAWrongContentType_WhenPosted_Then415()
    {
        using var response = await PostAsync("application/json", "{}"u8.ToArray(), new Version(2, 0));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task GivenHttp11_WhenSentToTheGrpcPort_ThenRefusedAndTheServerKeepsServing()
    {
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var response = await PostAsync("application/grpc", [0, 0, 0, 0, 0], new Version(1, 1));
            response.EnsureSuccessStatusCode();
        });
        Assert.True((await Host.ReportAsync(Reports.At(world.Grids[11].InteriorPoint))).Created);
    }

    private async Task<HttpResponseMessage> PostAsync(string contentType, byte[] body, Version version)
    {
        using var http = new HttpClient();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Host.GrpcAddress, "/governance.v1.IncidentService/ReportIncident"))
        {
            Version = version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }
}
