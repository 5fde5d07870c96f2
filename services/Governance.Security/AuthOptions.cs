namespace Governance.Security;

/// <summary>Settings of bearer-token authentication, bound from the "Auth" configuration section.</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";
    public const string DefaultIssuer = "governance-dev";
    public const string DefaultAudience = "governance";

    /// <summary>The issuer development tokens name (and the host requires) when no Authority is set.</summary>
    public string Issuer { get; set; } = DefaultIssuer;

    /// <summary>The audience every accepted token must name, with or without an Authority.</summary>
    public string Audience { get; set; } = DefaultAudience;

    /// <summary>
    /// The development signing key (ECDSA P-256, PKCS#8 PEM); empty: {Incidents:DataDirectory}/auth/signing-key.pem.
    /// Created on first start when missing. Not used when <see cref="Authority"/> is set.
    /// </summary>
    public string SigningKeyFile { get; set; } = "";

    /// <summary>
    /// Production: the OIDC issuer whose tokens are accepted; its discovery metadata supplies the issuer name and the
    /// signing keys, and the local key is neither created nor read.
    /// </summary>
    public string Authority { get; set; } = "";

    /// <summary>Fetch the Authority's metadata over HTTPS only; turn off only for an issuer on loopback in tests.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool UsesAuthority => !string.IsNullOrWhiteSpace(Authority);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Audience))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(Audience)} must name the audience tokens are issued for.");
        }
        if (UsesAuthority)
        {
            if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                throw new InvalidOperationException($"{SectionName}:{nameof(Authority)} must be the issuer's absolute https:// address; it is '{Authority}'.");
            }
        }
        else if (string.IsNullOrWhiteSpace(Issuer))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(Issuer)} must name the issuer of development tokens when no {nameof(Authority)} is set.");
        }
    }
}
