using Kms.Crypto.Ethereum;

namespace Kms.Governance.Transactions;

/// <summary>An EIP-2930 access-list entry: an address and the storage keys (32 bytes each) the transaction touches.</summary>
public sealed record AccessListEntry(EthereumAddress Address, IReadOnlyList<byte[]> StorageKeys);
