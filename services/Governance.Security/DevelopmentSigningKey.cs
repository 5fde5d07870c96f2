using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Governance.Security;

/// <summary>
/// The ECDSA P-256 key a development host signs and checks its own tokens with, kept as a PKCS#8 PEM file in the
/// data folder so tokens minted before a restart (or by the CLI) stay valid. Production validates tokens from an
/// OIDC issuer instead (Auth:Authority) and never reads this file.
/// </summary>
public sealed class DevelopmentSigningKey : IDisposable
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;

    private readonly ECDsa _ecdsa;

    private DevelopmentSigningKey(ECDsa ecdsa, string? filePath)
    {
        _ecdsa = ecdsa;
        FilePath = filePath;
        SecurityKey = new ECDsaSecurityKey(ecdsa)
        {
            KeyId = KeyIdOf(ecdsa),
            // IdentityModel's shared factory caches signature providers by key thumbprint, across key objects: after a
            // restart in one process (tests) the cached provider of the disposed ECDsa would be handed out again.
            CryptoProviderFactory = new CryptoProviderFactory(),
        };
        Credentials = new SigningCredentials(SecurityKey, Algorithm);
    }

    /// <summary>The file the key was read from or written to; null for a key that lives only in memory.</summary>
    public string? FilePath { get; }

    public ECDsaSecurityKey SecurityKey { get; }

    public SigningCredentials Credentials { get; }

    /// <summary>Where a host keeps its key when Auth:SigningKeyFile is not set: data/auth/signing-key.pem.</summary>
    public static string DefaultPath(string dataDirectory) =>
        Path.Combine(Path.GetFullPath(dataDirectory), "auth", "signing-key.pem");

    /// <summary>A fresh key that is never stored (tests: "a token signed by some other key").</summary>
    public static DevelopmentSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), null);

    /// <summary>Reads an existing key; never creates one.</summary>
    /// <exception cref="SigningKeyFileException">The file is missing, unreadable or not a P-256 private key.</exception>
    public static DevelopmentSigningKey Load(string path)
    {
        path = Path.GetFullPath(path);
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SigningKeyFileException(path,
                $"The signing key {path} does not exist. A development host creates it on its first start; start the host with this data folder once, or pass the folder the host uses.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyFileException(path, $"The signing key {path} cannot be read: {e.Message}", e);
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            var parameters = ecdsa.ExportParameters(includePrivateParameters: true);
            if (parameters.D is null || ecdsa.KeySize != 256 || parameters.Curve.Oid.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new CryptographicException("not an ECDSA P-256 private key");
            }
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            throw new SigningKeyFileException(path,
                $"The signing key {path} is corrupt ({e.Message}). Restore it from a backup, or delete it to have the host create a new one (tokens signed with the old key then stop working).", e);
        }
        return new DevelopmentSigningKey(ecdsa, path);
    }

    /// <summary>
    /// Reads the key, or creates it when the file does not exist yet. Two hosts starting at once on one folder end up
    /// with the same key: the file appears atomically and only the first writer's key is kept.
    /// </summary>
    public static DevelopmentSigningKey LoadOrCreate(string path, out bool created)
    {
        path = Path.GetFullPath(path);
        created = false;
        if (File.Exists(path))
        {
            return Load(path);
        }

        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            using (var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256))
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    // A private key: readable by the host's own user only, from the moment the file exists.
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
                using var writer = new StreamWriter(temporary, System.Text.Encoding.ASCII, options);
                writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
                writer.Write('\n');
                writer.Flush();
                ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
            }
            try
            {
                File.Move(temporary, path, overwrite: false);
                created = true;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; its key wins so both use one.
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyFileException(path, $"The signing key {path} cannot be created: {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
        }
        return Load(path);
    }

    public void Dispose()
    {
        (SecurityKey.CryptoProviderFactory.CryptoProviderCache as IDisposable)?.Dispose();
        _ecdsa.Dispose();
    }

    /// <summary>The RFC 7638-style thumbprint of the public key, so a token says which key signed it.</summary>
    private static string KeyIdOf(ECDsa ecdsa) =>
        Base64UrlEncoder.Encode(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()).AsSpan(0, 16).ToArray());
}

/// <summary>The development signing key file is missing, unreadable or corrupt; the message names the file.</summary>
public sealed class SigningKeyFileException(string filePath, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public string FilePath { get; } = filePath;
}
