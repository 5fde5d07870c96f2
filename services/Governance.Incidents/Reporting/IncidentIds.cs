using System.Security.Cryptography;
using System.Text;

namespace Governance.Incidents.Reporting;

/// <summary>
/// An incident's id is derived from who reported it and the client's report id, so a retried report maps to the
/// same stream on every replica and the store's "stream must not exist" check makes the retry write nothing,
/// without a separate idempotency table that would have to be kept consistent with the streams.
/// </summary>
public static class IncidentIds
{
    public static string For(string reporterId, string clientReportId)
    {
        // Length-prefixed fields: "ab"+"c" and "a"+"bc" must not collide.
        var input = $"governance.incident.v1\n{reporterId.Length}:{reporterId}\n{clientReportId.Length}:{clientReportId}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(input), hash);
        // 128 bits: collisions are out of reach for any number of reports a province will ever see.
        return Convert.ToHexStringLower(hash[..16]);
    }

    public static bool IsWellFormed(string incidentId) =>
        incidentId.Length == 32 && incidentId.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
