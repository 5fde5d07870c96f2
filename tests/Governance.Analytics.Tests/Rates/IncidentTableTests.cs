using Governance.Analytics.Rates;
using Governance.Analytics.Tests.Support;
using Governance.Contracts.V1;
using Xunit;

namespace Governance.Analytics.Tests.Rates;

/// <summary>A published table never changes, whatever the next commit's builder does.</summary>
public sealed class IncidentTableTests
{
    private static readonly Place Grid = new("330290", "330290001", "330290001001", "330290001001001");
    private static readonly IncidentCategory Garbage = new("garbage", "暴露垃圾", Platform.LawEnforcement);
    private static readonly DateTimeOffset T0 = new(2025, 4, 7, 1, 0, 0, TimeSpan.Zero);

    private static IncidentFacts Open(int i) =>
        IncidentBuilder.Report($"i-{i:0000}", Grid, Garbage, T0).Register(T0).Dispatch(T0, "cg").Facts;

    [Fact]
    public void ANextTable_ReplacesAndAddsIncidents_WithoutTouchingThePublishedOne()
    {
        var first = Enumerable.Range(0, 600).Select(Open).ToList();
        var published = IncidentTable.Of(first);
        var asOf = T0.AddDays(10);
        var before = RateEngine.Compute(published, new RateSlice(), asOf);
        var codesBefore = published.Codes.Count;

        var builder = published.ToBuilder();
        var closed = IncidentBuilder.Report("i-0005", Grid, Garbage, T0).Register(T0).Dispatch(T0, "cg").Sign("cg", T0)
            .Handle("cg", T0.AddHours(1)).Verify(T0.AddHours(2), true).Close(T0.AddHours(3)).Facts;
        builder.Set(5, closed);
        var added = IncidentBuilder.Report("new", new Place("330290", "330290009", "330290009001", "330290009001001"), Garbage, T0)
            .Register(T0).Dispatch(T0, "new-department").Facts;
        Assert.Equal(600, builder.Add(added));
        var next = builder.ToTable();

        Assert.Equal(600, published.Count);
        Assert.Same(first[5], published[5]);
        Assert.Equal(before, RateEngine.Compute(published, new RateSlice(), asOf));
        Assert.Equal(codesBefore, published.Codes.Count);
        Assert.Equal(0, RateEngine.Compute(published, new RateSlice(DepartmentCode: "new-department"), asOf).Open);

        Assert.Equal(601, next.Count);
        Assert.Same(closed, next[5]);
        var after = RateEngine.Compute(next, new RateSlice(), asOf);
        Assert.Equal((1L, 601L), (after.Closure.Numerator, after.Closure.Denominator));
        Assert.Equal(1, RateEngine.Compute(next, new RateSlice(DepartmentCode: "new-department"), asOf).Open);
        Assert.Equal(RateEngine.Compute([.. first.Select((f, i) => i == 5 ? closed : f), added], new RateSlice(), asOf), after);
    }

    [Fact]
    public void FiltersOnCodesNoIncidentHas_MatchNothing()
    {
        var table = IncidentTable.Of(Enumerable.Range(0, 10).Select(Open));
        var asOf = T0.AddDays(10);

        Assert.Equal(0, RateEngine.Compute(table, new RateSlice(DepartmentCode: "nobody"), asOf).Open);
        Assert.Equal(0, RateEngine.Compute(table, new RateSlice(CategoryCode: "nothing"), asOf).Open);
        Assert.Equal(0, RateEngine.Compute(table, new RateSlice("330291"), asOf).Open);
        Assert.Equal(10, RateEngine.Compute(table, new RateSlice("330290001001"), asOf).Open);
        Assert.Empty(RateEngine.Rank(table, new RateSlice(DepartmentCode: "nobody"), RankingDimension.Grid, RateKind.Closure, 0, asOf));
    }
}
