using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Grpc;
using Governance.Security;
using Governance.Standalone;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Xunit;

namespace Governance.Incidents.Tests;

/// <summary>
/// Production mode (Auth:Authority): the host takes its issuer and signing keys from an OIDC issuer's discovery
/// document and JWKS, here a real one served over loopback HTTP, and never creates or reads a local key.
/// </summary>
public sealed class AuthorityTests : IAsyncLifetime
{
    private readonly DevelopmentSigningKey _issuerKey = DevelopmentSigningKey.Generate();
    private WebApplication _issuer = null!;
    private WebApplication _host = null!;
    private HttpClient _http = null!;
    private string _authority = "";
    private string _data = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _issuer = builder.Build();
        _issuer.MapGet("/.well-known/openid-configuration", (HttpContext context) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = _authority,
            ["jwks_uri"] = _authority + "/jwks",
            ["id_token_signing_alg_values_supported"] = new[] { "ES256" },
        }));
        _issuer.MapGet("/jwks", () =>
        {
            var q = _issuerKey.SecurityKey.ECDsa.ExportParameters(includePrivateParameters: false).Q;
            return Results.Json(new { keys = new[] { new
            {
                kty = "EC", crv = "P-256", use = "sig", alg = "ES256", kid = _issuerKey.SecurityKey.KeyId,
                x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y),
            } } });
        });
        await _issuer.StartAsync();
        _authority = _issuer.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

        _data = Path.Combine(Path.GetTempPath(), "governance-tests", Guid.NewGuid().ToString("N"));
        _host = StandaloneApp.Create(
        [
            $"--Incidents:DataDirectory={_data}",
            "--Ports:Grpc=0",
            "--Ports:Http=0",
            "--Logging:LogLevel:Default=Warning",
            $"--Auth:Authority={_authority}",
            "--Auth:RequireHttpsMetadata=false",
        ]);
        await _host.StartAsync();
        var grpc = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _http = GrpcClient.CreateHttpClient(grpc);
    }

    private async Task<ListCategoriesResponse> ListCategoriesAsync(string token) =>
        await new GrpcClient(_http).UnaryAsync<ListCategoriesRequest, ListCategoriesResponse>(
            GovernanceServices.RegistryService.Method("ListCategories"), new ListCategoriesRequest(),
            new CallOptions(Headers: new Dictionary<string, string> { ["authorization"] = "Bearer " + token }));

    [Fact]
    public async Task GivenATokenOfTheAuthority_WhenCalling_ThenAccepted()
    {
        var token = new DevelopmentTokenIssuer(_issuerKey, issuer: _authority).Issue("zx-oidc", ActorRole.CountyCenter, ["330290"]);

        var categories = await ListCategoriesAsync(token);

        Assert.NotEmpty(categories.Categories);
        Assert.False(File.Exists(DevelopmentSigningKey.DefaultPath(_data)), "Authority mode must not create a local key.");
    }

    [Fact]
    public async Task GivenATokenSignedByAnotherKeyOrNamingAnotherIssuer_WhenCalling_ThenUnauthenticatedNamingTheAuthority()
    {
        using var stranger = DevelopmentSigningKey.Generate();
        var forged = new DevelopmentTokenIssuer(stranger, issuer: _authority).Issue("zx-oidc", ActorRole.CountyCenter, ["330290"]);
        var otherIssuer = new DevelopmentTokenIssuer(_issuerKey, issuer: "https://elsewhere.example").Issue("zx-oidc", ActorRole.CountyCenter, ["330290"]);

        var badSignature = await Assert.ThrowsAsync<RpcException>(() => ListCategoriesAsync(forged));
        var wrongIssuer = await Assert.ThrowsAsync<RpcException>(() => ListCategoriesAsync(otherIssuer));

        Assert.Equal(StatusCode.Unauthenticated, badSignature.StatusCode);
        Assert.Contains(_authority, badSignature.Detail);
        Assert.Equal(StatusCode.Unauthenticated, wrongIssuer.StatusCode);
        Assert.Contains("wrong issuer", wrongIssuer.Detail);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _host.StopAsync();
        await _host.DisposeAsync();
        await _issuer.StopAsync();
        await _issuer.DisposeAsync();
        _issuerKey.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
