using System.Globalization;
using System.Text;
using Kms.Crypto.Sharing;
using ECPoint = Org.BouncyCastle.Math.EC.ECPoint;

namespace Kms.Crypto.Oprf;

/// <summary>
/// Namespace keys NK(ns, epoch) = OPRF_k("ns/" ‖ ns ‖ "/" ‖ epoch): the RFC 9497 P256-SHA256 (VOPRF mode) output of the
/// cluster root key k on that input, evaluated by threshold over the share holders and never with k itself.
/// </summary>
public static class NamespaceKey
{
    /// <summary>The largest namespace name in UTF-8 bytes.</summary>
    public const int MaxNamespaceBytes = 1024;

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The OPRF input "ns/" ‖ ns ‖ "/" ‖ epoch (UTF-8, epoch in invariant decimal). The epoch is the last segment and
    /// contains no '/', so distinct (ns, epoch) pairs give distinct inputs.
    /// </summary>
    /// <exception cref="ArgumentException">Empty or over-long namespace, invalid UTF-16, or a negative epoch.</exception>
    public static byte[] Input(string ns, long epoch)
    {
        ArgumentException.ThrowIfNullOrEmpty(ns);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        byte[] name;
        try
        {
            name = s_strictUtf8.GetBytes(ns);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("The namespace is not valid Unicode text.", nameof(ns), ex);
        }

        if (name.Length > MaxNamespaceBytes)
        {
            throw new ArgumentException($"The namespace must be at most {MaxNamespaceBytes} UTF-8 bytes.", nameof(ns));
        }

        return [.. "ns/"u8, .. name, (byte)'/', .. Encoding.ASCII.GetBytes(epoch.ToString(CultureInfo.InvariantCulture))];
    }

    /// <summary>HashToGroup of the namespace input: the element every holder evaluates.</summary>
    public static ECPoint Element(string ns, long epoch) => ThresholdOprf.Voprf.Suite.HashToGroup(Input(ns, epoch));

    /// <summary>A holder's partial evaluation for NK(ns, epoch).</summary>
    public static PartialEvaluation EvaluatePartial(ScalarShare share, string ns, long epoch) =>
        ThresholdOprf.Voprf.EvaluatePartial(share, Element(ns, epoch));

    /// <summary>Combines t valid partials into the 32-byte NK(ns, epoch); the caller must zero it after use.</summary>
    /// <exception cref="InsufficientPartialsException">Fewer than t valid partials (names the rejected holders).</exception>
    public static byte[] Derive(string ns, long epoch, IEnumerable<PartialEvaluation> partials, FeldmanCommitments commitments) =>
        ThresholdOprf.Voprf.Evaluate(Input(ns, epoch), partials, commitments);
}
