using System.Security.Cryptography;

namespace Kms.Silo;

/// <summary>
/// A P-256 key in a PKCS#8 PEM file that development mode generates into the data directory (mode 0600): the dev
/// evidence signer and the dev admin. Local tools read the same files.
/// </summary>
internal static class DevKeyFile
{
    /// <exception cref="SiloStartupException">The file cannot be created or is not a P-256 private key.</exception>
    public static ECDsa LoadOrCreate(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                using ECDsa created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                try
                {
                    using var writer = new StreamWriter(new FileStream(path, options));
                    writer.Write(created.ExportPkcs8PrivateKeyPem());
                }
                catch (IOException) when (File.Exists(path))
                {
                    // Another process created it first; use theirs.
                }
            }

            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(path));
            if (key.KeySize != 256)
            {
                key.Dispose();
                throw new SiloStartupException($"The development key {path} is not a P-256 key.");
            }

            return key;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new SiloStartupException($"Cannot load the development key {path}: {exception.Message}", exception);
        }
    }
}
