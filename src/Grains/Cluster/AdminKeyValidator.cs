using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Kms.Grains.Cluster;

/// <summary>Checks admin keys given at init or recovery before they are stored.</summary>
internal static partial class AdminKeyValidator
{
    /// <summary>The largest number of admins.</summary>
    public const int MaxAdmins = 32;

    /// <exception cref="KmsException">An admin is malformed (<see cref="KmsErrorKind.MalformedInput"/>).</exception>
    public static void Validate(IReadOnlyList<AdminKey>? admins)
    {
        if (admins is null || admins.Count == 0 || admins.Count > MaxAdmins)
        {
            throw Malformed($"Between 1 and {MaxAdmins} admin keys are required.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (AdminKey admin in admins)
        {
            if (admin?.Name is null || !NamePattern().IsMatch(admin.Name))
            {
                throw Malformed("An admin name is 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'.");
            }

            if (!names.Add(admin.Name))
            {
                throw Malformed($"Admin '{admin.Name}' is listed twice.");
            }

            RequireP256SigningKey(admin);
            if (admin.RecoveryKey is not ({ Length: 0 } or { Length: 32 }))
            {
                throw Malformed($"The recovery key of admin '{admin.Name}' must be a 32-byte X25519 public key.");
            }
        }
    }

    private static void RequireP256SigningKey(AdminKey admin)
    {
        try
        {
            using ECDsa key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(admin.SigningKey ?? [], out int read);
            if (read != admin.SigningKey!.Length || key.ExportParameters(false).Curve.Oid.Value != "1.2.840.10045.3.1.7")
            {
                throw Malformed($"The signing key of admin '{admin.Name}' must be a P-256 public key (SubjectPublicKeyInfo DER).");
            }
        }
        catch (CryptographicException)
        {
            throw Malformed($"The signing key of admin '{admin.Name}' must be a P-256 public key (SubjectPublicKeyInfo DER).");
        }
    }

    private static KmsException Malformed(string message) => new(KmsErrorKind.MalformedInput, message);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
