using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace Governance.PubSub.Tests;

/// <summary>The JSON event format of cloudevents/spec formats/json-format.md: both data forms, and every refusal.</summary>
public sealed class CloudEventJsonTests
{
    private static readonly byte[] Protobuf = [0x0a, 0x03, 0x69, 0x64, 0x31, 0x10, 0x96, 0x01, 0x00, 0xff];

    private static CloudEvent Binary() => new()
    {
        Id = "0198c6b2-7f3e-7a41-9d10-1b2c3d4e5f60",
        Source = "/governance/incidents",
        Type = "governance.incident.dispatched.v1",
        Time = new DateTimeOffset(2026, 3, 2, 9, 30, 15, 123, TimeSpan.FromHours(8)).AddTicks(4567),
        Subject = "inc-路口-1",
        DataContentType = "application/protobuf",
        Data = Protobuf,
        TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        TraceState = "congo=t61rcWkgMzE",
    };

    [Fact]
    public void GivenBinaryData_WhenSerialized_ThenItTravelsAsBase64AndEveryAttributeRoundTrips()
    {
        var original = Binary();

        var json = CloudEventJson.Serialize(original);
        var parsed = JsonNode.Parse(json)!.AsObject();
        var read = CloudEventJson.Deserialize(json);

        Assert.Equal("1.0", (string?)parsed["specversion"]);
        Assert.Equal(Convert.ToBase64String(Protobuf), (string?)parsed["data_base64"]);
        Assert.False(parsed.ContainsKey("data"));
        Assert.Equal("2026-03-02T01:30:15.1234567Z", (string?)parsed["time"]);
        Assert.Contains("inc-路口-1", Encoding.UTF8.GetString(json));
        Assert.Equal(original.Id, read.Id);
        Assert.Equal(original.Source, read.Source);
        Assert.Equal(original.Type, read.Type);
        Assert.Equal(original.Time, read.Time);
        Assert.Equal(original.Subject, read.Subject);
        Assert.Equal(original.DataContentType, read.DataContentType);
        Assert.Equal(Protobuf, read.Data.ToArray());
        Assert.Equal(original.TraceParent, read.TraceParent);
        Assert.Equal(original.TraceState, read.TraceState);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.governance.incident+json")]
    public void GivenJsonData_WhenSerialized_ThenDataIsAJsonValueNotAStringAndRoundTrips(string contentType)
    {
        var data = """{"incident":"inc-1","version":3,"tags":["跨部门",true,null]}""";
        var original = Binary() with { DataContentType = contentType, Data = Encoding.UTF8.GetBytes(data) };

        var json = CloudEventJson.Serialize(original);
        var parsed = JsonNode.Parse(json)!.AsObject();
        var read = CloudEventJson.Deserialize(json);

        Assert.IsType<JsonObject>(parsed["data"]);
        Assert.Equal(3, (int)parsed["data"]!["version"]!);
        Assert.False(parsed.ContainsKey("data_base64"));
        Assert.Equal(data, Encoding.UTF8.GetString(read.Data.Span));
        Assert.Equal(contentType, read.DataContentType);
    }

    [Fact]
    public void GivenDataWithoutAContentType_WhenRead_ThenItIsJsonAndSaysSo()
    {
        var read = CloudEventJson.Deserialize("""{"specversion":"1.0","id":"a","source":"/s","type":"t","data":"I'm just a string"}"""u8);

        Assert.Equal("application/json", read.DataContentType);
        Assert.Equal("\"I'm just a string\"", Encoding.UTF8.GetString(read.Data.Span));
    }

    [Fact]
    public void GivenTextOfANonJsonType_WhenRead_ThenThePayloadIsTheText()
    {
        var read = CloudEventJson.Deserialize("""{"specversion":"1.0","id":"a","source":"/s","type":"t","datacontenttype":"text/xml","data":"<much wow=\"xml\"/>"}"""u8);

        Assert.Equal("<much wow=\"xml\"/>", Encoding.UTF8.GetString(read.Data.Span));
    }

    [Fact]
    public void GivenWhatDaprDelivers_WhenRead_ThenItsOwnAttributesAreIgnoredAndNullMeansUnset()
    {
        var read = CloudEventJson.Deserialize("""
            {"topic":"governance.incidents.v1","pubsubname":"pubsub","traceid":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
             "tracestate":"","specversion":"1.0","id":"e1","source":"/governance/incidents","type":"governance.incident.reported.v1",
             "subject":null,"comexampleothervalue":5,"comexampleobject":{"nested":[1,2]},"dataschema":"https://example.com/schema",
             "time":"2026-03-02T09:30:00+08:00","datacontenttype":"application/protobuf","data_base64":"CgNpZDE="}
            """u8);

        Assert.Equal("e1", read.Id);
        Assert.Null(read.Subject);
        Assert.Equal("", read.TraceState);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.Zero), read.Time);
        Assert.Equal(Convert.FromBase64String("CgNpZDE="), read.Data.ToArray());
        Assert.Null(read.Topic);
    }

    [Theory]
    [InlineData("2026-03-02T01:30:00Z", "2026-03-02T01:30:00.0000000+00:00")]
    [InlineData("2026-03-02t09:30:00.5+08:00", "2026-03-02T01:30:00.5000000+00:00")]
    [InlineData("2026-03-02T01:30:00.123456789z", "2026-03-02T01:30:00.1234567+00:00")]
    [InlineData("2026-03-01T20:30:00-05:00", "2026-03-02T01:30:00.0000000+00:00")]
    public void GivenAnRfc3339Time_WhenRead_ThenItIsThatInstant(string time, string instant)
    {
        var read = CloudEventJson.Deserialize(Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"a","source":"/s","type":"t","time":"{{time}}"}"""));

        Assert.Equal(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), read.Time);
    }

    [Fact]
    public void GivenAWholeSecond_WhenWritten_ThenNoFractionIsWritten()
    {
        Assert.Equal("2026-03-02T01:30:00Z", CloudEventJson.FormatTime(new DateTimeOffset(2026, 3, 2, 9, 30, 0, TimeSpan.FromHours(8))));
    }

    [Theory]
    [InlineData("""{"id":"a","source":"/s","type":"t"}""", "specversion")]
    [InlineData("""{"specversion":"0.3","id":"a","source":"/s","type":"t"}""", "specversion")]
    [InlineData("""{"specversion":1.0,"id":"a","source":"/s","type":"t"}""", "specversion")]
    [InlineData("""{"specversion":"1.0","source":"/s","type":"t"}""", "id")]
    [InlineData("""{"specversion":"1.0","id":"","source":"/s","type":"t"}""", "id")]
    [InlineData("""{"specversion":"1.0","id":null,"source":"/s","type":"t"}""", "id")]
    [InlineData("""{"specversion":"1.0","id":7,"source":"/s","type":"t"}""", "id")]
    [InlineData("""{"specversion":"1.0","id":"a","type":"t"}""", "source")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"http://[bad","type":"t"}""", "source")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s"}""", "type")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":["t"]}""", "type")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t","time":"2 March 2026"}""", "time")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t","time":"2026-03-02T01:30:00"}""", "time")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t","time":"2026-02-30T01:30:00Z"}""", "time")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t","data":{},"data_base64":"AA=="}""", "data_base64")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t","data_base64":"not base64!"}""", "data_base64")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t","data_base64":42}""", "data_base64")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t","datacontenttype":"text/plain","data":{"x":1}}""", "datacontenttype")]
    [InlineData("""{"specversion":"1.0","id":"a","id":"b","source":"/s","type":"t"}""", "id")]
    [InlineData("""["specversion","1.0"]""", "JSON object")]
    [InlineData("""{"specversion":"1.0","id":"a","source":"/s","type":"t"} {}""", "JSON")]
    [InlineData("""{"specversion":"1.0","id":"a",""", "JSON")]
    [InlineData("", "JSON")]
    public void GivenABrokenCloudEvent_WhenRead_ThenItIsRefusedNamingWhatIsWrong(string json, string named)
    {
        var error = Assert.Throws<FormatException>(() => CloudEventJson.Deserialize(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void GivenAnEmptyId_WhenSerialized_ThenItIsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => CloudEventJson.Serialize(Binary() with { Id = "" }));

        Assert.Contains("id", error.Message);
    }

    [Fact]
    public void GivenJsonTypedDataThatIsNotJson_WhenSerialized_ThenItIsRefusedNamingTheEvent()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            CloudEventJson.Serialize(Binary() with { DataContentType = "application/json", Data = "{not json"u8.ToArray() }));

        Assert.Contains(Binary().Id, error.Message);
    }

    [Theory]
    [InlineData("application/json", true)]
    [InlineData("APPLICATION/JSON ; charset=utf-8", true)]
    [InlineData("text/json", true)]
    [InlineData("application/cloudevents+json", true)]
    [InlineData("application/protobuf", false)]
    [InlineData("application/jsonx", false)]
    [InlineData("json", false)]
    [InlineData("application/", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void GivenAContentType_WhenAskedWhetherItIsJson_ThenOnlyJsonSubtypesAre(string? contentType, bool json)
    {
        Assert.Equal(json, CloudEventJson.IsJsonContentType(contentType));
    }
}
