using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Kms.Attestation.Intel;
using Kms.Attestation.Snp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kms.Attestation.Collateral;

/// <summary>
/// Keeps Intel collateral (TCB info, QE identities, root and PCK CRLs) and AMD collateral (KDS CRLs, cached VCEKs) in a
/// <see cref="DirectoryCollateralSource"/> fresh: each pass renews every item whose nextUpdate (notAfter for VCEKs) is
/// within <see cref="CollateralRefreshOptions.RenewBefore"/>, or that is missing, through an
/// <see cref="OnlineCollateralFetcher"/>. A download replaces the copy in use only after it passed the checks its
/// verifier makes (signature and chain to the pinned root, the item asked for), is not expired and is not older than the
/// copy in use; otherwise the last good copy stays. <see cref="GetStatus"/> reports the age of every copy in use.
/// Run it with <see cref="RunAsync"/> (or the hosted service <c>AddKmsCollateralRefresher</c> registers).
/// </summary>
public sealed class CollateralRefresher
{
    private readonly OnlineCollateralFetcher _fetcher;
    private readonly DirectoryCollateralSource _cache;
    private readonly CollateralRefreshOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly X509Certificate2 _intelRoot;
    private readonly Func<SnpProcessorFamily, AmdFamilyChain> _amdChains;
    private readonly ConcurrentDictionary<string, ItemState> _states = new(StringComparer.Ordinal);

    /// <param name="fetcher">Downloads from Intel PCS and AMD KDS; its cache directory is what is kept fresh.</param>
    /// <param name="options">What to keep and when; validated here.</param>
    /// <param name="timeProvider">The clock; default <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">Log events 4400–4404.</param>
    public CollateralRefresher(OnlineCollateralFetcher fetcher, CollateralRefreshOptions options, TimeProvider? timeProvider = null, ILogger<CollateralRefresher>? logger = null)
        : this(fetcher, options, timeProvider, logger, IntelSgxRootCa.Certificate, AmdRootCertificates.For)
    {
    }

    /// <summary>Tests only: other trust anchors.</summary>
    internal CollateralRefresher(
        OnlineCollateralFetcher fetcher, CollateralRefreshOptions options, TimeProvider? timeProvider, ILogger? logger, X509Certificate2 intelRoot, Func<SnpProcessorFamily, AmdFamilyChain> amdChains)
    {
        ArgumentNullException.ThrowIfNull(fetcher);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _fetcher = fetcher;
        _cache = fetcher.Cache;
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _intelRoot = intelRoot;
        _amdChains = amdChains;
    }

    /// <summary>Runs passes until <paramref name="cancellationToken"/> is cancelled: at once, then every check interval (retry interval after a failure).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            bool allRenewed = await RefreshOnceAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(allRenewed ? _options.CheckInterval : _options.RetryInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One pass over every item. Returns false when an item that was due could not be renewed.</summary>
    public async Task<bool> RefreshOnceAsync(CancellationToken cancellationToken)
    {
        List<Item> items = Items();
        int renewed = 0, failed = 0;
        foreach (Item item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (await RefreshItemAsync(item, cancellationToken).ConfigureAwait(false))
            {
                case true:
                    renewed++;
                    break;
                case false:
                    failed++;
                    break;
            }
        }

        CollateralRefresherLog.Pass(_logger, renewed, failed, items.Count);
        return failed == 0;
    }

    /// <summary>Every item seen so far, with the age of its copy in use now.</summary>
    public IReadOnlyList<CollateralItemStatus> GetStatus()
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        return _states.OrderBy(s => s.Key, StringComparer.Ordinal).Select(s => new CollateralItemStatus(
            s.Key, s.Value.InUse, now - s.Value.InUse?.IssuedAt, s.Value.LastRenewed, s.Value.LastError)
        {
            Expired = s.Value.InUse is { } inUse && now > inUse.NextUpdate,
        }).ToArray();
    }

    // null: not due; true: renewed; false: due and not renewed.
    private async Task<bool?> RefreshItemAsync(Item item, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        ItemState state = _states.GetOrAdd(item.Name, _ => new ItemState());
        CollateralValidity? inUse;
        try
        {
            inUse = await item.ReadCachedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AttestationException)
        {
            // A cached copy that does not verify is no copy: verifiers refuse it too.
            inUse = null;
        }

        state.InUse = inUse;
        if (inUse is { } current && now < current.NextUpdate - _options.RenewBefore)
        {
            return null;
        }

        try
        {
            CollateralValidity candidate = await item.DownloadValidateAndStoreAsync(
                validity =>
                {
                    if (validity.NextUpdate <= now)
                    {
                        throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"the download expired at {validity.NextUpdate:O}");
                    }

                    if (inUse is { } old && validity.IssuedAt < old.IssuedAt)
                    {
                        throw new AttestationException(AttestationFailureKind.ExpiredCollateral, $"the download (issued {validity.IssuedAt:O}) is older than the copy in use");
                    }
                },
                cancellationToken).ConfigureAwait(false);
            state.InUse = candidate;
            state.LastRenewed = now;
            state.LastError = null;
            CollateralRefresherLog.Renewed(_logger, item.Name, candidate.IssuedAt, candidate.NextUpdate);
            return true;
        }
        catch (Exception ex) when (ex is AttestationException or HttpRequestException or IOException or ArgumentException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            state.LastError = ex.Message;
            if (inUse is { } kept)
            {
                CollateralRefresherLog.KeptLastGood(_logger, item.Name, ex.Message, kept.IssuedAt, kept.NextUpdate);
                if (now > kept.NextUpdate)
                {
                    CollateralRefresherLog.InUseExpired(_logger, item.Name, kept.NextUpdate);
                }
            }
            else
            {
                CollateralRefresherLog.Missing(_logger, item.Name, ex.Message);
            }

            return false;
        }
    }

    private List<Item> Items()
    {
        List<Item> items = [];
        foreach ((TeeType tee, IList<string> fmspcs) in new[] { (TeeType.Tdx, _options.TdxFmspcs), (TeeType.Sgx, _options.SgxFmspcs) })
        {
            string teeName = tee == TeeType.Sgx ? "sgx" : "tdx";
            foreach (string fmspc in fmspcs.Select(f => f.ToLowerInvariant()).Distinct(StringComparer.Ordinal))
            {
                items.Add(new Item(
                    $"intel/{teeName}/tcbinfo/{fmspc}",
                    async ct => await _cache.GetTcbInfoAsync(tee, fmspc, ct).ConfigureAwait(false) is { } cached ? CollateralValidation.IntelTcbInfo(cached, tee, fmspc, _intelRoot) : null,
                    async (accept, ct) =>
                    {
                        SignedCollateral download = await _fetcher.DownloadTcbInfoAsync(tee, fmspc, ct).ConfigureAwait(false);
                        CollateralValidity validity = CollateralValidation.IntelTcbInfo(download, tee, fmspc, _intelRoot);
                        accept(validity);
                        await _cache.PutTcbInfoAsync(tee, fmspc, download, ct).ConfigureAwait(false);
                        return validity;
                    }));
            }

            if (fmspcs.Count > 0)
            {
                items.Add(new Item(
                    $"intel/{teeName}/qe-identity",
                    async ct => await _cache.GetQeIdentityAsync(tee, ct).ConfigureAwait(false) is { } cached ? CollateralValidation.IntelQeIdentity(cached, tee, _intelRoot) : null,
                    async (accept, ct) =>
                    {
                        SignedCollateral download = await _fetcher.DownloadQeIdentityAsync(tee, ct).ConfigureAwait(false);
                        CollateralValidity validity = CollateralValidation.IntelQeIdentity(download, tee, _intelRoot);
                        accept(validity);
                        await _cache.PutQeIdentityAsync(tee, download, ct).ConfigureAwait(false);
                        return validity;
                    }));
            }
        }

        if (_options.TdxFmspcs.Count + _options.SgxFmspcs.Count > 0)
        {
            foreach (string name in new[] { "root" }.Concat(_options.IntelPckCas.Distinct(StringComparer.Ordinal)))
            {
                items.Add(new Item(
                    $"intel/crl/{name}",
                    async ct => await _cache.GetCrlAsync(name, ct).ConfigureAwait(false) is { } cached ? IntelCrl(cached, name, null) : null,
                    async (accept, ct) =>
                    {
                        (byte[] der, string? chain) = await _fetcher.DownloadCrlAsync(name, ct).ConfigureAwait(false);
                        if (name != "root" && chain is null)
                        {
                            throw new AttestationException(AttestationFailureKind.UntrustedChain, "PCS sent no SGX-PCK-CRL-Issuer-Chain header");
                        }

                        CollateralValidity validity = IntelCrl(der, name, chain);
                        accept(validity);
                        await _cache.PutCrlAsync(name, der, ct).ConfigureAwait(false);
                        return validity;
                    }));
            }
        }

        foreach (string familyName in _options.AmdFamilies.Distinct(StringComparer.Ordinal))
        {
            SnpProcessorFamily family = Enum.Parse<SnpProcessorFamily>(familyName);
            foreach (string kind in new[] { "vcek", "vlek" })
            {
                items.Add(new Item(
                    $"amd/crl/{familyName}/{kind}",
                    async ct => await _cache.GetAmdCrlAsync(familyName, kind, ct).ConfigureAwait(false) is { } cached ? CollateralValidation.AmdKdsCrl(cached, _amdChains(family)) : null,
                    async (accept, ct) =>
                    {
                        byte[] der = await _fetcher.DownloadAmdCrlAsync(familyName, kind, ct).ConfigureAwait(false);
                        CollateralValidity validity = CollateralValidation.AmdKdsCrl(der, _amdChains(family));
                        accept(validity);
                        await _cache.PutAmdCrlAsync(familyName, kind, der, ct).ConfigureAwait(false);
                        return validity;
                    }));
            }
        }

        if (_options.RenewCachedVceks)
        {
            items.AddRange(CachedVceks());
        }

        return items;
    }

    private CollateralValidity IntelCrl(ReadOnlyMemory<byte> der, string name, string? chain) =>
        name == "root" ? CollateralValidation.IntelRootCrl(der, _intelRoot) : CollateralValidation.IntelPckCrl(der, name, chain, _intelRoot);

    /// <summary>The VCEKs in the cache (amd/vcek/{Family}/{chip id}/{TCB}.der); names that are not well formed are skipped.</summary>
    private IEnumerable<Item> CachedVceks()
    {
        string root = Path.Combine(_cache.RootDirectory, "amd", "vcek");
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (SnpProcessorFamily family in AmdRootCertificates.Families)
        {
            string familyDirectory = Path.Combine(root, family.ToString());
            if (!Directory.Exists(familyDirectory))
            {
                continue;
            }

            foreach (string file in Directory.EnumerateFiles(familyDirectory, "*.der", SearchOption.AllDirectories))
            {
                string chipHex = Path.GetFileName(Path.GetDirectoryName(file)!);
                string tcbHex = Path.GetFileNameWithoutExtension(file);
                if (chipHex.Length != 128 || !chipHex.All(char.IsAsciiHexDigit) || tcbHex.Length != 16
                    || !ulong.TryParse(tcbHex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong tcb))
                {
                    continue;
                }

                byte[] chipId = new byte[64];
                Convert.FromHexString(chipHex).CopyTo(chipId, 0);
                string familyName = family.ToString();
                yield return new Item(
                    $"amd/vcek/{familyName}/{chipHex}/{tcbHex}",
                    async ct => await _cache.GetVcekAsync(familyName, chipId, tcb, ct).ConfigureAwait(false) is { } cached ? CollateralValidation.Vcek(cached.Span, family, chipId, tcb) : null,
                    async (accept, ct) =>
                    {
                        byte[] der = await _fetcher.DownloadVcekAsync(familyName, chipId, tcb, ct).ConfigureAwait(false);
                        CollateralValidity validity = CollateralValidation.Vcek(der, family, chipId, tcb);
                        accept(validity);
                        await _cache.PutVcekAsync(familyName, chipId, tcb, der, ct).ConfigureAwait(false);
                        return validity;
                    });
            }
        }
    }

    /// <summary>One item: how to read the validity of the copy in use, and how to download, check (with the acceptance rule) and store a new one.</summary>
    private sealed record Item(
        string Name,
        Func<CancellationToken, Task<CollateralValidity?>> ReadCachedAsync,
        Func<Action<CollateralValidity>, CancellationToken, Task<CollateralValidity>> DownloadValidateAndStoreAsync);

    private sealed class ItemState
    {
        public CollateralValidity? InUse { get; set; }

        public DateTimeOffset? LastRenewed { get; set; }

        public string? LastError { get; set; }
    }
}
