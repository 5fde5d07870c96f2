using System.CommandLine;
using Wire = Governance.Contracts.V1;
using Geo = Governance.Geography;

namespace Governance.Cli;

/// <summary>Options several commands share, made fresh per command so each command's help lists its own.</summary>
internal static class CommonOptions
{
    public const string DefaultAddress = "http://127.0.0.1:5080";

    /// <summary>Set it once in a shell instead of passing --address to every command.</summary>
    public const string AddressVariable = "GOVERNANCE_ADDRESS";

    public static Option<string> Address() => new("--address")
    {
        Description = $"The host's gRPC (h2c) address; defaults to ${AddressVariable} or {DefaultAddress}.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(AddressVariable) is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultAddress,
    };

    /// <summary>A bearer token in the environment keeps it out of the shell history and the process list.</summary>
    public const string TokenVariable = "GOVERNANCE_TOKEN";

    public static Option<string?> Token() => new("--token")
    {
        Description = $"The bearer token sent with the call; defaults to ${TokenVariable}. 'governance token' mints one for a development host.",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(TokenVariable),
    };

    /// <summary>The token to send; asking for one here beats a round trip that ends in UNAUTHENTICATED.</summary>
    public static string RequireToken(string? token)
    {
        token = token?.Trim();
        if (string.IsNullOrEmpty(token))
        {
            throw new CliUsageException(
                $"no token: pass --token or set ${TokenVariable}. For a development host: governance token --data <its data folder> --subject <id> --role <role> --region <code>.");
        }
        if (token.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = token[7..].Trim();
        }
        if (token.Any(c => c is <= ' ' or > '~'))
        {
            throw new CliUsageException("--token holds spaces or characters outside printable ASCII; pass the token exactly as 'governance token' printed it.");
        }
        return token;
    }

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print the response as protobuf JSON instead of text.",
    };

    public static Option<string> Crs(string description) =>
        new Option<string>("--crs")
        {
            Description = description,
            DefaultValueFactory = _ => "wgs84",
        }.AcceptOnlyFromAmong("wgs84", "gcj02");

    public static Uri ParseAddress(string? text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
        {
            throw new CliUsageException($"--address '{text}' is not an http:// or https:// address, e.g. {DefaultAddress}.");
        }
        return address;
    }

    public static Wire.CoordinateSystem ToContract(string? crs) =>
        crs == "gcj02" ? Wire.CoordinateSystem.Gcj02 : Wire.CoordinateSystem.Wgs84;

    public static Geo.CoordinateSystem ToGeography(string? crs) =>
        crs == "gcj02" ? Geo.CoordinateSystem.Gcj02 : Geo.CoordinateSystem.Wgs84;
}
