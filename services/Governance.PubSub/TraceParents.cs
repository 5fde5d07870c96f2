using System.Diagnostics;

namespace Governance.PubSub;

/// <summary>
/// The W3C trace context (www.w3.org/TR/trace-context) an event carries as its <c>traceparent</c>: what a producer
/// may put on a CloudEvent and what a consumer may continue. Only version 00 is accepted, with lowercase hex ids that
/// are not all zeros, because anything else would be passed on to a broker and a consumer that trust it.
/// </summary>
public static class TraceParents
{
    /// <summary>The context of <paramref name="traceParent"/> (remote), or false when it is absent or malformed.</summary>
    public static bool TryParse(string? traceParent, string? traceState, out ActivityContext context)
    {
        context = default;
        // 00-{32 hex}-{16 hex}-{2 hex}: the shape is checked first, so a value of another version or length costs no parse.
        if (traceParent is not { Length: 55 } || !traceParent.StartsWith("00-", StringComparison.Ordinal))
        {
            return false;
        }
        // TryParse refuses uppercase hex and all-zero ids, as the specification asks of a receiver.
        return ActivityContext.TryParse(traceParent, string.IsNullOrEmpty(traceState) ? null : traceState, isRemote: true, out context);
    }

    /// <summary>Whether <paramref name="traceParent"/> is a well-formed version-00 traceparent.</summary>
    public static bool IsValid(string? traceParent) => TryParse(traceParent, null, out _);
}
