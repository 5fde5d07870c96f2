using System.Collections.Frozen;
using System.Runtime.InteropServices;

namespace Governance.Analytics.Storage;

/// <summary>What both stores need of a row on its way in.</summary>
internal static class StoreRows
{
    public static readonly IReadOnlySet<string> NoneRefused = FrozenSet<string>.Empty;

    /// <summary>The facts as an array without a copy when they already are one (the projection hands whole arrays).</summary>
    public static byte[] AsArray(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : bytes.ToArray();
}
