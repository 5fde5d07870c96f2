using Xunit;

namespace Governance.Deploy.Tests;

/// <summary>Collects every broken rule of a check, so one run names all of them rather than the first.</summary>
internal sealed class Problems
{
    private readonly List<string> _items = [];

    public void Check(bool ok, string problem)
    {
        if (!ok)
        {
            _items.Add(problem);
        }
    }

    public void AssertNone(string subject) =>
        Assert.True(_items.Count == 0, $"{subject}: {_items.Count} problem(s)\n  " + string.Join("\n  ", _items));
}
