using Kms.Governance.Abi;

namespace Kms.Governance.JsonRpc;

/// <summary>
/// The node answered a JSON-RPC request with an error object. For reverted calls and gas estimations
/// <see cref="RevertData"/> holds the revert payload (decode it with <see cref="DecodeRevert"/>).
/// </summary>
public sealed class JsonRpcException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JsonRpcException(string method, long code, string rpcMessage, byte[]? revertData)
        : base($"{method} failed: JSON-RPC error {code}: {rpcMessage}")
    {
        Method = method;
        Code = code;
        RpcMessage = rpcMessage;
        RevertData = revertData;
    }

    /// <summary>The JSON-RPC method that failed.</summary>
    public string Method { get; }

    /// <summary>The JSON-RPC error code (3 = execution reverted on geth/anvil).</summary>
    public long Code { get; }

    /// <summary>The node's error message.</summary>
    public string RpcMessage { get; }

    /// <summary>The revert data when the node returned hex data with the error; otherwise null.</summary>
    public byte[]? RevertData { get; }

    /// <summary>Whether this is an execution revert (revert data present).</summary>
    public bool IsRevert => RevertData is not null;

    /// <summary>Decodes <see cref="RevertData"/> with the built-in and the given custom errors.</summary>
    public RevertReason? DecodeRevert(IEnumerable<AbiError>? customErrors = null) =>
        RevertData is null ? null : RevertReason.Decode(RevertData, customErrors);
}

/// <summary>The JSON-RPC endpoint could not be reached or answered with something that is not a JSON-RPC response.</summary>
public sealed class JsonRpcTransportException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JsonRpcTransportException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
