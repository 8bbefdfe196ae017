using Kms.Crypto.Ethereum;

namespace Kms.Governance.Transactions;

/// <summary>A signed transaction: its fields, signature, the raw bytes for eth_sendRawTransaction, hash and sender.</summary>
public sealed record SignedTransaction(Eip1559Transaction Transaction, Secp256k1Signature Signature, byte[] RawBytes, EthereumAddress Sender)
{
    /// <summary>The transaction hash: keccak256 of the raw bytes.</summary>
    public byte[] Hash => Keccak256.HashData(RawBytes);
}
