using Kms.Governance.Abi;
using Nethereum.ABI.Model;
using Nethereum.Contracts;

namespace Kms.Governance.Contracts.Messages;

/// <summary>
/// What a binding needs of a typed message besides its call data: the canonical signature (for revert messages)
/// and the <see cref="GovernanceAbi"/> descriptor of the same signature.
/// </summary>
// The descriptor supplies the output types of the bounded pre-walk: Nethereum's FunctionABI names a tuple output
// just "tuple", without its components.
internal static class TypedFunction<TFunction>
    where TFunction : FunctionMessage, new()
{
    private static readonly Lazy<(string Signature, AbiFunction Descriptor)> s_metadata = new(Resolve);

    /// <summary>The canonical signature Nethereum derives from the message attributes.</summary>
    public static string Signature => s_metadata.Value.Signature;

    /// <summary>The descriptor of <see cref="GovernanceAbi"/> with the same signature.</summary>
    public static AbiFunction Descriptor => s_metadata.Value.Descriptor;

    private static (string, AbiFunction) Resolve()
    {
        FunctionABI abi = ABITypedRegistry.GetFunctionABI<TFunction>();
        AbiFunction descriptor = GovernanceAbi.Functions.SingleOrDefault(f => f.Signature == abi.Signature)
            ?? throw new InvalidOperationException($"{typeof(TFunction).Name} ({abi.Signature}) has no GovernanceAbi descriptor.");
        return (abi.Signature, descriptor);
    }
}
