using System.CommandLine;
using System.Globalization;
using Governance.Security;

namespace Governance.Cli;

/// <summary>
/// `governance token`: mints a bearer token a development host accepts, signed with the key the host keeps in its
/// data folder. It only reads that key: a CLI that created one would sign tokens no running host trusts.
/// </summary>
internal static class TokenCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data")
        {
            Description = "The host's data folder (Incidents:DataDirectory); its key is auth/signing-key.pem in it.",
            Required = true,
        };
        var keyFile = new Option<string?>("--key-file")
        {
            Description = "The signing key, when the host sets Auth:SigningKeyFile elsewhere than the data folder.",
        };
        var subject = new Option<string>("--subject") { Description = "The caller's id, e.g. wg-001; a report's reporter_id must equal it.", Required = true };
        var role = new Option<string>("--role") { Description = "The role the caller acts in.", Required = true }
            .AcceptOnlyFromAmong([.. TokenClaims.Roles.Keys]);
        var region = new Option<string[]>("--region")
        {
            Description = "A region the caller acts in (county 6, township 9, village 12 or grid 15 digits); repeat for more. " +
                "Required for grid_worker, township_office, county_center and leader.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var department = new Option<string?>("--department") { Description = "The department code; required for department_handler." };
        var hours = new Option<double>("--hours")
        {
            Description = "How long the token is valid, in hours.",
            DefaultValueFactory = _ => DevelopmentTokenIssuer.DefaultLifetime.TotalHours,
        };
        var issuer = new Option<string>("--issuer") { Description = "The host's Auth:Issuer.", DefaultValueFactory = _ => AuthOptions.DefaultIssuer };
        var audience = new Option<string>("--audience") { Description = "The host's Auth:Audience.", DefaultValueFactory = _ => AuthOptions.DefaultAudience };
        var command = new Command("token",
            "Print a bearer token for a development host, signed with the key in its data folder (the host creates the key on its first start). " +
            "Use it as --token, $GOVERNANCE_TOKEN or the metadata 'authorization: Bearer <token>'.")
        {
            data, keyFile, subject, role, region, department, hours, issuer, audience,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, output =>
        {
            var lifetime = parseResult.GetValue(hours);
            if (!(lifetime > 0 && lifetime <= DevelopmentTokenIssuer.MaxLifetime.TotalHours))
            {
                throw new CliUsageException(string.Create(CultureInfo.InvariantCulture,
                    $"--hours must be more than 0 and at most {DevelopmentTokenIssuer.MaxLifetime.TotalHours}."));
            }
            var path = parseResult.GetValue(keyFile) is { Length: > 0 } explicitPath
                ? explicitPath
                : DevelopmentSigningKey.DefaultPath(parseResult.GetValue(data)!);
            DevelopmentSigningKey key;
            try
            {
                key = DevelopmentSigningKey.Load(path);
            }
            catch (SigningKeyFileException e)
            {
                throw new CliFailureException(e.Message);
            }
            using (key)
            {
                var issuerOf = new DevelopmentTokenIssuer(key, parseResult.GetValue(issuer)!, parseResult.GetValue(audience)!);
                var roleName = parseResult.GetValue(role)!;
                string token;
                try
                {
                    token = issuerOf.Issue(parseResult.GetValue(subject)!, TokenClaims.Roles[roleName], parseResult.GetValue(region) ?? [],
                        parseResult.GetValue(department), TimeSpan.FromHours(lifetime));
                }
                catch (ArgumentException e)
                {
                    // The issuer words its refusals as the host would ("bad claim 'region': ..."); on the command line they are options.
                    throw new CliUsageException(e.Message.Split(" (Parameter", 2)[0]);
                }
                output.Line(token);
            }
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
