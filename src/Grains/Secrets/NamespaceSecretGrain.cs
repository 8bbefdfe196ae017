using System.Security.Cryptography;
using Kms.Grains.Namespaces;
using Kms.Grains.Storage;
using Microsoft.Extensions.Logging;

namespace Kms.Grains.Secrets;

/// <summary>Implements <see cref="INamespaceSecretGrain"/>; the namespace must exist (checked when a value is set).</summary>
internal sealed partial class NamespaceSecretGrain(
    [PersistentState("secret", GrainStorageNames.Kms)] IPersistentState<NamespaceSecretState> state,
    TimeProvider time,
    ILogger<NamespaceSecretGrain> logger) : Grain, INamespaceSecretGrain
{
    private NamespaceSecretState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _ = SecretKey.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    public async Task<SecretVersionInfo> PutAsync(byte[] value, string admin, CancellationToken cancellationToken)
    {
        if (value is not { Length: > 0 and <= SecretLimits.MaxValueBytes })
        {
            throw new KmsException(KmsErrorKind.MalformedInput, $"A secret is 1 to {SecretLimits.MaxValueBytes} bytes.");
        }

        SecretKey key = SecretKey.Parse(this.GetPrimaryKeyString());
        _ = await GrainFactory.GetGrain<INamespaceGrain>(key.Namespace).GetAsync(cancellationToken);
        CryptographicOperations.ZeroMemory(S.Value);
        S.Value = (byte[])value.Clone();
        S.Version++;
        S.UpdatedAt = time.GetUtcNow();
        S.UpdatedBy = admin;
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogSet(logger, this.GetPrimaryKeyString(), S.Version, admin);
        return Info();
    }

    public Task<SecretVersionInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        RequireExists();
        return Task.FromResult(Info());
    }

    public Task<SecretValue> ReadAsync(CancellationToken cancellationToken)
    {
        RequireExists();
        return Task.FromResult(new SecretValue(S.Version, (byte[])S.Value.Clone()));
    }

    public async Task DeleteAsync(string admin, CancellationToken cancellationToken)
    {
        RequireExists();
        CryptographicOperations.ZeroMemory(S.Value);
        S.Value = [];
        await state.WriteOrDeactivateAsync(this, cancellationToken);
        LogDeleted(logger, this.GetPrimaryKeyString(), admin);
    }

    private void RequireExists()
    {
        if (S.Value.Length == 0)
        {
            throw new KmsException(KmsErrorKind.NotFound, $"Secret '{this.GetPrimaryKeyString()}' does not exist.");
        }
    }

    private SecretVersionInfo Info() => new(SecretKey.Parse(this.GetPrimaryKeyString()).Name, S.Version, S.UpdatedAt, S.UpdatedBy, S.Value.Length);

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Secret {Secret} set to version {Version} by admin {Admin}.")]
    private static partial void LogSet(ILogger logger, string secret, int version, string admin);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Secret {Secret} deleted by admin {Admin}.")]
    private static partial void LogDeleted(ILogger logger, string secret, string admin);
}

/// <summary>The stored secret.</summary>
[GenerateSerializer, Alias("Kms.Grains.Secrets.NamespaceSecretState")]
public sealed class NamespaceSecretState
{
    /// <summary>The value; empty when there is no secret (never set, or deleted).</summary>
    [Id(0)]
    public byte[] Value { get; set; } = [];

    /// <summary>The version, counting every set (a deleted secret set again continues the count).</summary>
    [Id(1)]
    public int Version { get; set; }

    /// <summary>When the value was last set.</summary>
    [Id(2)]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Who set it.</summary>
    [Id(3)]
    public string UpdatedBy { get; set; } = string.Empty;
}

/// <summary>The key of a secret grain: <c>"&lt;namespace&gt;/&lt;name&gt;"</c>, the name 1–64 of [A-Za-z0-9._-].</summary>
public readonly record struct SecretKey(string Namespace, string Name)
{
    /// <summary>Builds the key.</summary>
    /// <exception cref="KmsException">The namespace or name is malformed.</exception>
    public static string Create(string @namespace, string name)
    {
        if (!NamespaceNames.IsValidNamespace(@namespace) || !KmsNames.IsValidName(name))
        {
            throw new KmsException(KmsErrorKind.MalformedInput, "A secret is named by a namespace id and 1 to 64 of A-Z, a-z, 0-9, '.', '_', '-'.");
        }

        return @namespace + "/" + name;
    }

    /// <summary>Parses the key.</summary>
    /// <exception cref="InvalidOperationException">It is not a secret key.</exception>
    public static SecretKey Parse(string key)
    {
        int slash = key.LastIndexOf('/');
        if (slash <= 0 || !NamespaceNames.IsValidNamespace(key[..slash]) || !KmsNames.IsValidName(key[(slash + 1)..]))
        {
            throw new InvalidOperationException($"'{key}' is not a secret key ('<namespace>/<name>').");
        }

        return new SecretKey(key[..slash], key[(slash + 1)..]);
    }
}
