using Google.Protobuf.WellKnownTypes;
using Governance.Analytics.Api;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Security;
using Xunit;

namespace Governance.Analytics.Tests.Api;

public sealed class AnalyticsAccessTests
{
    private const string County = "330290";
    private const string Township = "330290001";
    private const string OtherTownship = "330290002";

    private static readonly Caller Leader = new("leader-1", ActorRole.Leader, [County], null, null);
    private static readonly Caller TownshipOffice = new("town-1", ActorRole.TownshipOffice, [Township], null, null);
    private static readonly Caller Department = new("dept-1", ActorRole.DepartmentHandler, [County], "330290-CGJ", null);

    private static RpcException Deny(string reason) => new(StatusCode.PermissionDenied, reason);

    [Fact]
    public void A_leader_without_a_region_reads_its_own()
    {
        var slice = AnalyticsAccess.Resolve(Leader, new RateFilter(), Deny);

        Assert.Equal(County, slice.RegionCode);
        Assert.Null(slice.DepartmentCode);
    }

    [Fact]
    public void A_township_office_reads_a_grid_of_its_township_but_not_another_township()
    {
        var grid = Township + "001001";
        Assert.Equal(grid, AnalyticsAccess.Resolve(TownshipOffice, new RateFilter { RegionCode = grid }, Deny).RegionCode);

        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(TownshipOffice, new RateFilter { RegionCode = OtherTownship }, Deny));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains(OtherTownship, refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_township_office_cannot_widen_to_the_county()
    {
        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(TownshipOffice, new RateFilter { RegionCode = County }, Deny));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public void A_department_reads_only_its_own_department()
    {
        var slice = AnalyticsAccess.Resolve(Department, new RateFilter(), Deny);
        Assert.Equal("330290-CGJ", slice.DepartmentCode);
        Assert.Equal(County, slice.RegionCode);

        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(Department, new RateFilter { DepartmentCode = "330290-SJJ" }, Deny));
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Theory]
    [InlineData(ActorRole.GridWorker)]
    [InlineData(ActorRole.Citizen)]
    [InlineData(ActorRole.System)]
    public void Roles_that_read_no_rates_are_refused(ActorRole role)
    {
        var caller = new Caller("someone", role, [Township + "001001"], null, null);

        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(caller, new RateFilter(), Deny));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
    }

    [Fact]
    public void A_caller_of_several_regions_must_name_one()
    {
        var caller = new Caller("leader-2", ActorRole.Leader, [Township, OtherTownship], null, null);

        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(caller, new RateFilter(), Deny));
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(OtherTownship, AnalyticsAccess.Resolve(caller, new RateFilter { RegionCode = OtherTownship }, Deny).RegionCode);
    }

    [Theory]
    [InlineData("33029")]
    [InlineData("3302900011")]
    [InlineData("33029000A")]
    public void A_malformed_region_code_is_an_invalid_argument(string code)
    {
        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(Leader, new RateFilter { RegionCode = code }, Deny));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(code, refused.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_that_ends_before_it_starts_is_an_invalid_argument()
    {
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var filter = new RateFilter { From = Timestamp.FromDateTimeOffset(from), To = Timestamp.FromDateTimeOffset(from) };

        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(Leader, filter, Deny));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public void An_undefined_platform_is_an_invalid_argument()
    {
        var refused = Assert.Throws<RpcException>(() => AnalyticsAccess.Resolve(Leader, new RateFilter { Platform = (Platform)42 }, Deny));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
    }

    [Fact]
    public void The_filter_reaches_the_slice_trimmed()
    {
        var from = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(8));
        var filter = new RateFilter
        {
            RegionCode = " " + Township + " ",
            CategoryCode = "LE-0101",
            Platform = Platform.LawEnforcement,
            From = Timestamp.FromDateTimeOffset(from),
        };

        var slice = AnalyticsAccess.Resolve(Leader, filter, Deny);

        Assert.Equal(new Governance.Analytics.Rates.RateSlice(Township, null, "LE-0101", Platform.LawEnforcement, from, null), slice);
    }
}
