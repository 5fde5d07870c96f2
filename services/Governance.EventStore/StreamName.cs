namespace Governance.EventStore;

/// <summary>Conventions of stream ids: <c>{category}-{id}</c>, e.g. <c>grid-330282001001001</c>.</summary>
public static class StreamName
{
    public const char Separator = '-';

    /// <summary>The part before the first '-', or the whole id when it has none.</summary>
    public static string Category(string streamId)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        var dash = streamId.IndexOf(Separator, StringComparison.Ordinal);
        return dash < 0 ? streamId : streamId[..dash];
    }

    public static string For(string category, string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(category);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (category.Contains(Separator, StringComparison.Ordinal))
        {
            throw new ArgumentException($"A category must not contain '{Separator}': '{category}'.", nameof(category));
        }

        return string.Concat(category, "-", id);
    }
}
