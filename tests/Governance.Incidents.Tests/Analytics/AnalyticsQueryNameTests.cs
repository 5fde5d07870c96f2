using System.Net;
using System.Text.Json;
using Governance.Domain;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests.Analytics;

/// <summary>
/// The JSON routes take a field by its JSON name (regionCode) or, as the proto JSON mapping does, by its proto name
/// (region_code), and refuse one given under both.
/// </summary>
public sealed class AnalyticsQueryNameTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private const string County = "330290";

    [Fact]
    public async Task GivenProtoFieldNames_WhenQueryingRatesAndRanking_ThenTheSameAnswerAsTheJsonNames()
    {
        var asOf = "2026-12-01T00:00:00Z";
        var camel = await GetAsync($"/api/analytics/ranking?regionCode={County}&asOf={asOf}&dimension=township&orderBy=closure&limit=3");
        var snake = await GetAsync($"/api/analytics/ranking?region_code={County}&as_of={asOf}&dimension=township&order_by=closure&limit=3");

        Assert.Equal(HttpStatusCode.OK, camel.Status);
        Assert.Equal(HttpStatusCode.OK, snake.Status);
        Assert.Equal(camel.Body, snake.Body);
        Assert.Equal(asOf, JsonDocument.Parse(snake.Body).RootElement.GetProperty("asOf").GetString());
    }

    [Fact]
    public async Task GivenOneFieldUnderBothNames_WhenQuerying_ThenBadRequestNamingIt()
    {
        var (status, body) = await GetAsync($"/api/analytics/rates?regionCode={County}&region_code={County}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("INVALID_ARGUMENT", error.GetProperty("code").GetString());
        Assert.Contains("'regionCode' is given twice", error.GetProperty("message").GetString());
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string pathAndQuery)
    {
        using var http = new HttpClient { BaseAddress = world.Host.HttpAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        request.Headers.Authorization = new("Bearer", world.Host.TokenFor("ld-001", ActorRole.Leader, [County]));
        using var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
