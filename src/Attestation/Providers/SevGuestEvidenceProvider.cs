using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Kms.Attestation.Providers;

/// <summary>
/// SEV-SNP attestation reports ("sev-snp") through <c>/dev/sev-guest</c> and its SNP_GET_REPORT ioctl, for guest
/// kernels without configfs-tsm (before Linux 6.7). Prefer <see cref="ConfigFsTsmEvidenceProvider.ForSevSnp"/> where it
/// exists. The report alone is returned: the KMS takes the VCEK from its collateral cache.
/// </summary>
/// <remarks>The ioctl layouts are those of Linux's include/uapi/linux/sev-guest.h (msg_version 1).</remarks>
public sealed class SevGuestEvidenceProvider : IEvidenceProvider
{
    /// <summary>The default device.</summary>
    public const string DefaultDevice = "/dev/sev-guest";

    // _IOWR('S', 0x0, struct snp_guest_request_ioctl): read|write (3) << 30, size 32 << 16, type 'S' << 8, nr 0.
    private const uint SnpGetReport = 0xC0205300;
    private const int RequestSize = 96;   // struct snp_report_req: user_data[64], vmpl u32, rsvd[28]
    private const int ResponseSize = 4000; // struct snp_report_resp: data[4000]

    private readonly string _device;
    private readonly uint _vmpl;

    /// <param name="device">The guest device; default <see cref="DefaultDevice"/>.</param>
    /// <param name="vmpl">The VMPL the report is requested for (0–3); default 0.</param>
    public SevGuestEvidenceProvider(string device = DefaultDevice, uint vmpl = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vmpl, 3u);
        _device = device;
        _vmpl = vmpl;
    }

    /// <inheritdoc/>
    public string EvidenceType => "sev-snp";

    /// <inheritdoc/>
    /// <exception cref="EvidenceProviderException">The device is missing or refused, or the firmware's answer is malformed.</exception>
    public Task<byte[]> GetEvidenceAsync(ReadOnlyMemory<byte> reportData, CancellationToken cancellationToken = default)
    {
        if (reportData.Length is 0 or > 64)
        {
            throw new ArgumentException("Report data is 1 to 64 bytes.", nameof(reportData));
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (!OperatingSystem.IsLinux() || !File.Exists(_device))
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"{_device} does not exist: this is not an SEV-SNP guest (or the sev-guest driver is not loaded).");
        }

        byte[] request = new byte[RequestSize];
        reportData.Span.CopyTo(request);
        BitConverter.TryWriteBytes(request.AsSpan(64, 4), _vmpl); // little-endian on every SNP host
        byte[] response = new byte[ResponseSize];
        GCHandle requestPin = GCHandle.Alloc(request, GCHandleType.Pinned);
        GCHandle responsePin = GCHandle.Alloc(response, GCHandleType.Pinned);
        try
        {
            using SafeFileHandle device = OpenDevice();
            var ioctlArgument = new SnpGuestRequestIoctl
            {
                MessageVersion = 1,
                RequestData = (ulong)requestPin.AddrOfPinnedObject(),
                ResponseData = (ulong)responsePin.AddrOfPinnedObject(),
            };
            if (Ioctl(device, SnpGetReport, ref ioctlArgument) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable,
                    $"SNP_GET_REPORT on {_device} failed: errno {errno}, firmware error 0x{(uint)ioctlArgument.ExitInfo2:x}, VMM error 0x{(uint)(ioctlArgument.ExitInfo2 >> 32):x}.");
            }

            return Task.FromResult(SnpReportResponse.Parse(response));
        }
        finally
        {
            requestPin.Free();
            responsePin.Free();
        }
    }

    private SafeFileHandle OpenDevice()
    {
        try
        {
            return File.OpenHandle(_device, FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new EvidenceProviderException(EvidenceProviderFailure.Unavailable, $"Cannot open {_device}: {exception.Message}", exception);
        }
    }

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int Ioctl(SafeFileHandle fd, nuint request, ref SnpGuestRequestIoctl argument);

    /// <summary>struct snp_guest_request_ioctl (32 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    private struct SnpGuestRequestIoctl
    {
        [FieldOffset(0)]
        public byte MessageVersion;

        [FieldOffset(8)]
        public ulong RequestData;

        [FieldOffset(16)]
        public ulong ResponseData;

        [FieldOffset(24)]
        public ulong ExitInfo2;
    }
}
