using Governance.Domain;
using Governance.Incidents.Storage;
using Xunit;

namespace Governance.Incidents.Tests;

public sealed class EventSerializerTests
{
    [Fact]
    public void GivenTheDomainsEventTypes_WhenLookedUpInTheGeneratedContext_ThenEveryOneIsThere()
    {
        var missing = DomainEventTypes.Types
            .Where(t => StoredEventJsonContext.Default.GetTypeInfo(t.Value) is null)
            .Select(t => $"{t.Key} ({t.Value.Name})")
            .ToList();

        Assert.True(missing.Count == 0,
            $"Add [JsonSerializable(typeof(...))] to StoredEventJsonContext for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void GivenChineseText_WhenSerialised_ThenStoredAsUtf8AndReadBack()
    {
        var defined = new Domain.Registry.RegionDefined("330290001", "白亭街道", Domain.Regions.RegionLevel.Township, "330290",
            Actor.System("test"), DateTimeOffset.UnixEpoch);

        var bytes = EventSerializer.Serialize(defined);

        Assert.Contains("白亭街道", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(defined, EventSerializer.Deserialize(DomainEventTypes.NameOf(defined), bytes));
    }
}
