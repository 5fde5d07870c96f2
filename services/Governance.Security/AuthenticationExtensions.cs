using System.Globalization;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Governance.Security;

public static partial class AuthenticationExtensions
{
    /// <summary>
    /// Bearer JWT authentication for a service's RPCs and JSON routes. <paramref name="dataDirectory"/> names the folder
    /// whose auth/ subfolder holds the development signing key when no key file or authority is configured. It only judges tokens: the verdict (a caller or the
    /// reason a token was refused) is left on the HttpContext for <see cref="Callers.RequireCaller(Microsoft.AspNetCore.Http.HttpContext)"/>, and nothing
    /// here ever challenges. An HTTP 401 would reach a gRPC client as a transport error instead of grpc-status 16.
    /// </summary>
    public static IServiceCollection AddGovernanceAuthentication(
        this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, string> dataDirectory)
    {
        services.AddOptions<AuthOptions>()
            .Bind(configuration.GetSection(AuthOptions.SectionName))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();

        services.AddSingleton(sp =>
        {
            var path = SigningKeyPath(sp, dataDirectory);
            var key = DevelopmentSigningKey.LoadOrCreate(path, out var created);
            if (created)
            {
                KeyCreated(sp.GetRequiredService<ILoggerFactory>().CreateLogger(Callers.LogCategory), key.FilePath!);
            }
            return key;
        });
        services.AddSingleton(sp =>
        {
            var auth = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
            return new DevelopmentTokenIssuer(sp.GetRequiredService<DevelopmentSigningKey>(), auth.Issuer, auth.Audience, sp.GetRequiredService<TimeProvider>());
        });
        // Before the store opens: a bad key file should stop the host before anything else happens.
        services.AddHostedService<SigningKeyStartup>();

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IServiceProvider>((jwt, sp) =>
            {
                var auth = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
                // Keep "sub" and "role" as sent; the default maps them to long XML-schema claim URIs.
                jwt.MapInboundClaims = false;
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(new CachingTokenHandler(sp.GetRequiredService<TimeProvider>()) { MapInboundClaims = false });
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidateIssuer = true,
                    ValidateAudience = true,
                    ValidAudience = auth.Audience,
                    ValidateLifetime = true,
                    RequireExpirationTime = true,
                    RequireSignedTokens = true,
                    ValidateIssuerSigningKey = true,
                    ClockSkew = TimeSpan.FromMinutes(1),
                    NameClaimType = TokenClaims.Subject,
                    RoleClaimType = TokenClaims.Role,
                };
                if (auth.UsesAuthority)
                {
                    // The issuer and its keys come from the Authority's discovery document and rotate with it.
                    jwt.Authority = auth.Authority;
                    jwt.RequireHttpsMetadata = auth.RequireHttpsMetadata;
                }
                else
                {
                    var key = sp.GetRequiredService<DevelopmentSigningKey>();
                    jwt.TokenValidationParameters.ValidIssuer = auth.Issuer;
                    jwt.TokenValidationParameters.IssuerSigningKey = key.SecurityKey;
                    jwt.TokenValidationParameters.ValidAlgorithms = [DevelopmentSigningKey.Algorithm];
                }
                jwt.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (TokenClaims.TryRead(context.Principal!, out var caller, out var problem))
                        {
                            context.HttpContext.Items[AuthenticationItems.Caller] = caller;
                        }
                        else
                        {
                            context.HttpContext.Items[AuthenticationItems.Failure] = problem;
                            context.Fail(problem!);
                        }
                        return Task.CompletedTask;
                    },
                    OnAuthenticationFailed = context =>
                    {
                        context.HttpContext.Items[AuthenticationItems.Failure] = Describe(context.Exception, auth, context.Request.Headers.Authorization.ToString());
                        return Task.CompletedTask;
                    },
                    OnChallenge = context =>
                    {
                        // Never answer 401: RequireCaller reports the reason as a gRPC status.
                        context.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
        return services;
    }

    /// <summary>The reason a token was refused, for the client developer who must fix it.</summary>
    internal static string Describe(Exception exception, AuthOptions auth, string authorization)
    {
        if (exception is AggregateException { InnerExceptions.Count: > 0 } aggregate)
        {
            exception = aggregate.InnerExceptions[0];
        }
        return exception switch
        {
            SecurityTokenExpiredException e => string.Create(CultureInfo.InvariantCulture,
                $"the token expired at {e.Expires:yyyy-MM-ddTHH:mm:ssZ}; get a new one"),
            SecurityTokenNotYetValidException e => string.Create(CultureInfo.InvariantCulture,
                $"the token is not valid before {e.NotBefore:yyyy-MM-ddTHH:mm:ssZ}; check the issuer's clock"),
            SecurityTokenNoExpirationException => "the token has no expiry (exp claim); this host accepts only tokens that expire",
            SecurityTokenInvalidIssuerException e => auth.UsesAuthority
                ? $"wrong issuer '{e.InvalidIssuer}': this host accepts tokens from {auth.Authority}"
                : $"wrong issuer '{e.InvalidIssuer}': this host accepts tokens issued by '{auth.Issuer}'",
            SecurityTokenInvalidAudienceException e => $"wrong audience '{(string.IsNullOrEmpty(e.InvalidAudience) ? AudienceOf(authorization) : e.InvalidAudience)}': this host accepts tokens for '{auth.Audience}'",
            SecurityTokenInvalidAlgorithmException => "bad signature: the token is signed with an algorithm this host does not accept",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => auth.UsesAuthority
                ? $"bad signature: the token is not signed by a current key of {auth.Authority}"
                : "bad signature: the token is not signed by this host's key (was it minted for another data folder?)",
            SecurityTokenMalformedException or ArgumentException => "malformed token: not a signed JWT (three base64url parts separated by dots)",
            InvalidOperationException when auth.UsesAuthority => $"the signing keys of {auth.Authority} could not be fetched; try again later",
            _ => $"the token was refused ({exception.GetType().Name})",
        };
    }

    /// <summary>
    /// The audience the refused token names. IdentityModel leaves it out of its exception (personal-data policy), but
    /// the caller sent it, so telling it back discloses nothing.
    /// </summary>
    private static string AudienceOf(string authorization)
    {
        try
        {
            var token = new JsonWebToken(authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : authorization);
            return string.Join(", ", token.Audiences);
        }
        catch (ArgumentException)
        {
            return "";
        }
    }

    private static string SigningKeyPath(IServiceProvider sp, Func<IServiceProvider, string> dataDirectory)
    {
        var auth = sp.GetRequiredService<IOptions<AuthOptions>>().Value;
        return string.IsNullOrWhiteSpace(auth.SigningKeyFile)
            ? DevelopmentSigningKey.DefaultPath(dataDirectory(sp))
            : Path.GetFullPath(auth.SigningKeyFile);
    }

    [LoggerMessage(2, LogLevel.Information, "Created the development signing key {Path}; tokens for this host: governance token --data <data folder> ...")]
    private static partial void KeyCreated(ILogger logger, string path);

    /// <summary>Reads (or creates) the development key at start, so a corrupt file stops the host with its name.</summary>
    private sealed class SigningKeyStartup(IServiceProvider services, IOptions<AuthOptions> options) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.UsesAuthority)
            {
                services.GetRequiredService<DevelopmentSigningKey>();
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
