using Kms.Governance.Policy;

namespace Kms.Governance.Service;

/// <summary>
/// An <see cref="IPolicyStore"/> in a directory: one file <c>&lt;namespace&gt;.policy.json</c> per namespace holding the
/// signed envelope, replaced atomically (write to a temporary file, flush, rename). The serial check and the write
/// happen under one lock, so concurrent updates through this instance cannot both win. Meant for the embedded
/// single-process mode; a cluster shares a database-backed store instead.
/// </summary>
public sealed class FilePolicyStore : IPolicyStore
{
    private readonly string _directory;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    /// <summary>Creates the store; the directory is created if missing.</summary>
    public FilePolicyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <inheritdoc/>
    /// <exception cref="InvalidDataException">The stored file is not a policy envelope.</exception>
    public async Task<StoredPolicy?> LoadAsync(string @namespace, CancellationToken cancellationToken)
    {
        string path = PathFor(@namespace);
        byte[] envelope;
        try
        {
            envelope = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        try
        {
            // Only the serial is read here; the governance service verifies the signatures.
            return new StoredPolicy(SignedPolicyEnvelope.Parse(envelope).Policy.Serial, envelope);
        }
        catch (PolicyFormatException ex)
        {
            throw new InvalidDataException($"The stored policy file of namespace \"{@namespace}\" is not a policy envelope.", ex);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> TryReplaceAsync(string @namespace, long? expectedSerial, StoredPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        string path = PathFor(@namespace);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            StoredPolicy? current = await LoadAsync(@namespace, cancellationToken).ConfigureAwait(false);
            if (current?.Serial != expectedSerial)
            {
                return false;
            }

            string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            try
            {
                await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
                {
                    await stream.WriteAsync(policy.Envelope, cancellationToken).ConfigureAwait(false);
                    stream.Flush(flushToDisk: true);
                }

                File.Move(temporary, path, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }

            return true;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private string PathFor(string @namespace)
    {
        // The namespace grammar ([a-z0-9._-], first alphanumeric) keeps file names inside the directory.
        if (!NamespacePolicyParser.IsValidNamespace(@namespace))
        {
            throw new ArgumentException("Invalid namespace name.", nameof(@namespace));
        }

        return Path.Combine(_directory, @namespace + ".policy.json");
    }
}
