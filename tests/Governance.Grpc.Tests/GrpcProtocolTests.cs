using Governance.Grpc.Internal;
using Xunit;

namespace Governance.Grpc.Tests;

public sealed class GrpcProtocolTests
{
    [Theory]
    [InlineData("2H", 2 * TimeSpan.TicksPerHour)]
    [InlineData("3M", 3 * TimeSpan.TicksPerMinute)]
    [InlineData("45S", 45 * TimeSpan.TicksPerSecond)]
    [InlineData("299m", 299 * TimeSpan.TicksPerMillisecond)]
    [InlineData("1500u", 15_000)]
    [InlineData("1000n", 10)]
    [InlineData("1n", 1)]
    [InlineData("99999999S", 99_999_999 * TimeSpan.TicksPerSecond)]
    public void GivenAValidGrpcTimeout_WhenParsed_ThenTheDurationMatchesTheUnit(string value, long expectedTicks)
    {
        Assert.True(GrpcProtocol.TryParseTimeout(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10x")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    [InlineData("1.5S")]
    public void GivenAMalformedGrpcTimeout_WhenParsed_ThenRejected(string value)
        => Assert.False(GrpcProtocol.TryParseTimeout(value, out _));

    [Theory]
    [InlineData(1)]
    [InlineData(10_000)]
    [InlineData(3 * TimeSpan.TicksPerSecond)]
    [InlineData(2 * TimeSpan.TicksPerHour)]
    [InlineData(40 * TimeSpan.TicksPerDay)]
    public void GivenATimeout_WhenFormattedAndParsed_ThenNoShorterAndAtMostEightDigits(long ticks)
    {
        var text = GrpcProtocol.FormatTimeout(TimeSpan.FromTicks(ticks));

        Assert.InRange(text.Length, 2, 9);
        Assert.True(GrpcProtocol.TryParseTimeout(text, out var parsed));
        Assert.True(parsed.Ticks >= ticks, $"{text} is shorter than {ticks} ticks");
    }

    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("100%", "100%25")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("é", "%C3%A9")]
    public void GivenAStatusMessage_WhenPercentEncoded_ThenOnlyTheSpecsBytesAreEscaped(string raw, string encoded)
    {
        Assert.Equal(encoded, GrpcProtocol.PercentEncode(raw));
        Assert.Equal(raw, GrpcProtocol.PercentDecode(encoded));
    }

    [Theory]
    [InlineData("参数错误: 纬度超出范围")]
    [InlineData("emoji 🚀 and % and \t tab")]
    public void GivenNonAsciiText_WhenEncodedThenDecoded_ThenItRoundTrips(string text)
        => Assert.Equal(text, GrpcProtocol.PercentDecode(GrpcProtocol.PercentEncode(text)));

    [Theory]
    [InlineData("bad %zz escape")]
    [InlineData("trailing %")]
    [InlineData("trailing %4")]
    public void GivenAMalformedEscape_WhenDecoded_ThenItIsKeptAsText(string text)
        => Assert.Equal(text, GrpcProtocol.PercentDecode(text));

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(415, StatusCode.Unknown)]
    [InlineData(500, StatusCode.Unknown)]
    public void GivenAnHttpStatusWithoutGrpcStatus_WhenMapped_ThenTheSpecsTableApplies(int httpStatus, StatusCode expected)
        => Assert.Equal(expected, GrpcProtocol.FromHttpStatus(httpStatus));

    [Theory]
    [InlineData("application/grpc", true)]
    [InlineData("application/grpc+proto", true)]
    [InlineData("Application/GRPC", true)]
    [InlineData("application/grpc; charset=utf-8", true)]
    [InlineData("application/grpc+json", false)]
    [InlineData("application/grpc-web", false)]
    [InlineData("application/json", false)]
    [InlineData(null, false)]
    public void GivenAContentType_WhenChecked_ThenOnlyGrpcProtoIsAccepted(string? contentType, bool accepted)
        => Assert.Equal(accepted, GrpcProtocol.IsGrpcContentType(contentType));
}

public sealed class ServerCallContextTests
{
    private static ServerCallContext NewContext()
        => new(new Microsoft.AspNetCore.Http.DefaultHttpContext(), "/p.S/M", Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    [Theory]
    [InlineData("grpc-status", "1")]
    [InlineData("grpc-message", "x")]
    [InlineData("bad name", "x")]
    [InlineData("ok-name", "non-ascii é")]
    [InlineData("ok-name", "line\nbreak")]
    public void GivenAReservedOrUnsendableTrailer_WhenSet_ThenRejected(string key, string value)
        => Assert.Throws<ArgumentException>(() => NewContext().SetResponseTrailer(key, value));

    [Fact]
    public void GivenAMixedCaseTrailerName_WhenSet_ThenItIsKeptLowerCase()
    {
        var context = NewContext();

        context.SetResponseTrailer("Current-Version", "3");

        Assert.Equal("3", context.ResponseTrailers!["current-version"]);
    }
}
