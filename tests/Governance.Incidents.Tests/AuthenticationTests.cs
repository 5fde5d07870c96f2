using System.Net;
using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Incidents.Hosting;
using Governance.Security;
using Governance.Incidents.Tests.Fixtures;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>
/// Every IncidentService and RegistryService RPC needs a bearer token this host trusts; each refusal is
/// UNAUTHENTICATED (grpc-status 16, never an HTTP 401) with a reason a client developer can act on.
/// </summary>
public sealed class AuthenticationTests(HostWithDemoCounty world) : IClassFixture<HostWithDemoCounty>
{
    private StandaloneHost Host => world.Host;

    private DevelopmentSigningKey HostKey => Host.Services.GetRequiredService<DevelopmentSigningKey>();

    private Task<ListCategoriesResponse> ListCategoriesAsync(string token) =>
        Host.CallAsync<ListCategoriesRequest, ListCategoriesResponse>("RegistryService", "ListCategories", new ListCategoriesRequest(), token);

    private async Task<RpcException> RefusedAsync(string token) =>
        await Assert.ThrowsAsync<RpcException>(() => ListCategoriesAsync(token));

    /// <summary>A token with exactly these claims, signed with the host's own key.</summary>
    private string Signed(Dictionary<string, object> claims, DateTime? expires = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DefaultIssuer,
            Audience = AuthOptions.DefaultAudience,
            IssuedAt = now,
            NotBefore = now,
            Expires = expires ?? now.AddHours(1),
            Claims = claims,
            SigningCredentials = HostKey.Credentials,
        });
    }

    public static TheoryData<string, string> AllMethods()
    {
        var data = new TheoryData<string, string>();
        foreach (var service in new[] { GovernanceServices.IncidentService, GovernanceServices.RegistryService })
        {
            foreach (var method in service.Methods)
            {
                data.Add(service.Name, method.Name);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(AllMethods))]
    public async Task GivenNoToken_WhenAnyRpcIsCalled_ThenUnauthenticatedSayingSo(string service, string method)
    {
        var descriptor = service == GovernanceServices.IncidentService.Name ? GovernanceServices.IncidentService : GovernanceServices.RegistryService;
        var md = descriptor.FindMethodByName(method);
        using var http = GrpcClient.CreateHttpClient(Host.GrpcAddress);
        var anonymous = new GrpcClient(http);
        // An empty request of the method's own type: the token is checked before anything in it is looked at.
        var unary = typeof(GrpcClient).GetMethod(nameof(GrpcClient.UnaryAsync))!.MakeGenericMethod(md.InputType.ClrType, md.OutputType.ClrType);
        var call = () => (Task)unary.Invoke(anonymous, [md, Activator.CreateInstance(md.InputType.ClrType), default(CallOptions)])!;

        var error = await Assert.ThrowsAsync<RpcException>(call);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("no token", error.Detail, StringComparison.Ordinal);
        Assert.Contains("authorization: Bearer", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnAuthorizationThatIsNotBearer_WhenCalled_ThenUnauthenticatedAskingForBearer()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Host.Client.UnaryAsync<ListCategoriesRequest, ListCategoriesResponse>(
            GovernanceServices.RegistryService.Method("ListCategories"), new ListCategoriesRequest(),
            new CallOptions(Headers: new Dictionary<string, string> { ["authorization"] = "Basic d2c6cHc=" })));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("not a bearer token", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30")]
    public async Task GivenAMalformedToken_WhenCalled_ThenUnauthenticatedSayingMalformed(string token)
    {
        var error = await RefusedAsync(token);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("malformed token", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenAnExpiredToken_WhenCalled_ThenUnauthenticatedSayingWhenItExpired()
    {
        var twoHoursAgo = new FixedClock(DateTimeOffset.UtcNow.AddHours(-2));
        var token = new DevelopmentTokenIssuer(HostKey, clock: twoHoursAgo)
            .Issue("wg-001", ActorRole.GridWorker, [DemoCounty.Code], lifetime: TimeSpan.FromHours(1));

        var error = await RefusedAsync(token);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired at " + twoHoursAgo.GetUtcNow().AddHours(1).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture), error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenATokenExpiredWithinTheClockSkew_WhenCalled_ThenAccepted()
    {
        var token = new DevelopmentTokenIssuer(HostKey, clock: new FixedClock(DateTimeOffset.UtcNow.AddMinutes(-30)))
            .Issue("wg-001", ActorRole.GridWorker, [DemoCounty.Code], lifetime: TimeSpan.FromMinutes(29.5));

        Assert.NotEmpty((await ListCategoriesAsync(token)).Categories);
    }

    [Fact]
    public async Task GivenATokenSignedByAnotherKey_WhenCalled_ThenUnauthenticatedSayingBadSignature()
    {
        using var otherKey = DevelopmentSigningKey.Generate();
        var token = new DevelopmentTokenIssuer(otherKey).Issue("wg-001", ActorRole.GridWorker, [DemoCounty.Code]);

        var error = await RefusedAsync(token);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("bad signature", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenATokenWithAnotherKeysIdButTamperedPayload_WhenCalled_ThenUnauthenticatedSayingBadSignature()
    {
        var token = Host.TokenFor("wg-001", ActorRole.GridWorker, [DemoCounty.Code]);
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Encode(Base64UrlEncoder.Decode(parts[1]).Replace("wg-001", "wg-666", StringComparison.Ordinal));

        var error = await RefusedAsync($"{parts[0]}.{payload}.{parts[2]}");

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("bad signature", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenATokenFromAnotherIssuer_WhenCalled_ThenUnauthenticatedNamingBothIssuers()
    {
        var token = new DevelopmentTokenIssuer(HostKey, issuer: "someone-else").Issue("wg-001", ActorRole.GridWorker, [DemoCounty.Code]);

        var error = await RefusedAsync(token);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("wrong issuer 'someone-else'", error.Detail, StringComparison.Ordinal);
        Assert.Contains(AuthOptions.DefaultIssuer, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenATokenForAnotherAudience_WhenCalled_ThenUnauthenticatedNamingTheAudience()
    {
        var token = new DevelopmentTokenIssuer(HostKey, audience: "payroll").Issue("wg-001", ActorRole.GridWorker, [DemoCounty.Code]);

        var error = await RefusedAsync(token);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("wrong audience 'payroll'", error.Detail, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> BadClaims() => new()
    {
        { "no role", "bad claim 'role': the token has no role" },
        { "unknown role", "bad claim 'role': 'mayor' is not a known role" },
        { "two roles", "bad claim 'role': the token names 2 roles" },
        { "department handler without department", "bad claim 'department'" },
        { "grid worker without region", "bad claim 'region': a grid_worker token must name at least one region" },
        { "region of 7 digits", "bad claim 'region': '3302901'" },
        { "region with letters", "bad claim 'region': '33029a'" },
        { "no subject", "bad claim 'sub'" },
    };

    [Theory]
    [MemberData(nameof(BadClaims))]
    public async Task GivenASignedTokenWithABadClaim_WhenCalled_ThenUnauthenticatedNamingTheClaim(string what, string expected)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "wg-001", ["role"] = "grid_worker", ["region"] = new[] { DemoCounty.Code } };
        switch (what)
        {
            case "no role": claims.Remove("role"); break;
            case "unknown role": claims["role"] = "mayor"; break;
            case "two roles": claims["role"] = new[] { "grid_worker", "administrator" }; break;
            case "department handler without department": claims["role"] = "department_handler"; break;
            case "grid worker without region": claims.Remove("region"); break;
            case "region of 7 digits": claims["region"] = new[] { "3302901" }; break;
            case "region with letters": claims["region"] = "33029a"; break;
            case "no subject": claims.Remove("sub"); break;
            default: throw new ArgumentOutOfRangeException(nameof(what), what, null);
        }

        var error = await RefusedAsync(Signed(claims));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains(expected, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenATokenWithoutExpiry_WhenCalled_ThenUnauthenticated()
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = AuthOptions.DefaultIssuer,
            Audience = AuthOptions.DefaultAudience,
            Claims = new Dictionary<string, object> { ["sub"] = "wg-001", ["role"] = "administrator" },
            SigningCredentials = HostKey.Credentials,
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };

        var error = await RefusedAsync(handler.CreateToken(descriptor));

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("exp", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GivenADepartmentHandlerTokenWithItsDepartment_WhenCalled_ThenAccepted()
    {
        var token = Host.TokenFor("dh-001", ActorRole.DepartmentHandler, [], department: "330290-ZHZF");

        Assert.NotEmpty((await ListCategoriesAsync(token)).Categories);
    }

    [Fact]
    public async Task GivenNoToken_WhenHealthIsAsked_ThenServingOverGrpcAndHttp()
    {
        using var http = GrpcClient.CreateHttpClient(Host.GrpcAddress);
        var anonymous = new GrpcClient(http);

        var health = await anonymous.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(
            HealthReflection.Descriptor.Services[0].FindMethodByName("Check"), new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        using var plain = new HttpClient { BaseAddress = Host.HttpAddress };
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync(new Uri("/alive", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task GivenABadToken_WhenHealthIsAsked_ThenStillServing()
    {
        var health = await Host.Client.UnaryAsync<HealthCheckRequest, HealthCheckResponse>(
            HealthReflection.Descriptor.Services[0].FindMethodByName("Check"), new HealthCheckRequest(),
            new CallOptions(Headers: StandaloneHost.Bearer("not-a-jwt")));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task GivenAReporterIdOtherThanTheTokenSubject_WhenReported_ThenPermissionDeniedAndNothingStored()
    {
        var request = Reports.At(world.Grids[17].InteriorPoint, reporter: "wg-victim");
        var headBefore = await Host.Store.GetHeadPositionAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Host.ReportAsync(request, Host.TokenFor("wg-impostor", ActorRole.GridWorker, [DemoCounty.Code])));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("'wg-victim'", error.Detail, StringComparison.Ordinal);
        Assert.Contains("'wg-impostor'", error.Detail, StringComparison.Ordinal);
        Assert.Equal(headBefore, await Host.Store.GetHeadPositionAsync());
    }

    [Fact]
    public async Task GivenTheReportersOwnToken_WhenReported_ThenTheHistoryNamesTheReporter()
    {
        var request = Reports.At(world.Grids[18].InteriorPoint, reporter: "wg-own");

        var response = await Host.ReportAsync(request, Host.TokenFor("wg-own", ActorRole.GridWorker, [world.Grids[18].Code[..9]]));

        Assert.True(response.Created);
        Assert.Equal("wg-own", response.Incident.ReporterId);
    }

    [Fact]
    public void GivenTheStartedHost_ThenItsSigningKeyIsAPrivateFileInTheDataFolder()
    {
        var path = DevelopmentSigningKey.DefaultPath(Host.DataDirectory);

        Assert.Equal(path, HostKey.FilePath);
        Assert.Contains("BEGIN PRIVATE KEY", File.ReadAllText(path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}

/// <summary>The signing key lives in the data folder: tokens outlive a restart, and a broken key stops the host.</summary>
public sealed class SigningKeyTests
{
    [Fact]
    public async Task GivenATokenMintedBeforeARestart_WhenUsedAfterIt_ThenStillAccepted()
    {
        var first = await StandaloneHost.StartAsync();
        var token = first.TokenFor("wg-restart", ActorRole.GridWorker, [DemoCounty.Code]);
        var keyBefore = await File.ReadAllTextAsync(DevelopmentSigningKey.DefaultPath(first.DataDirectory));
        await first.StopAsync();

        await using var second = await StandaloneHost.StartAsync(first.DataDirectory);

        Assert.Equal(keyBefore, await File.ReadAllTextAsync(DevelopmentSigningKey.DefaultPath(second.DataDirectory)));
        var categories = await second.CallAsync<ListCategoriesRequest, ListCategoriesResponse>("RegistryService", "ListCategories", new ListCategoriesRequest(), token);
        Assert.NotEmpty(categories.Categories);
    }

    [Fact]
    public async Task GivenACorruptKeyFile_WhenTheHostStarts_ThenItStopsNamingTheFile()
    {
        var data = Path.Combine(Path.GetTempPath(), "governance-tests", Guid.NewGuid().ToString("N"));
        var path = DevelopmentSigningKey.DefaultPath(data);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
        try
        {
            var error = await Assert.ThrowsAsync<SigningKeyFileException>(() => StandaloneHost.StartAsync(data));

            Assert.Contains(path, error.Message, StringComparison.Ordinal);
            Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

/// <summary>A clock stopped at one instant, for minting tokens that are already old.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
