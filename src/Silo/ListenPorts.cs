using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Kms.Silo;

/// <summary>
/// Checks, before anything starts, that the ports the silo will listen on are free, so that a taken port is one
/// line naming the option rather than a failed start with the logs of every component that stops again.
/// </summary>
/// <remarks>A port taken between this check and the start is still reported by <see cref="ListenConflict"/>.</remarks>
internal static class ListenPorts
{
    /// <exception cref="SiloStartupException">A port is in use; the message names the address and the option.</exception>
    public static void EnsureFree(KmsSiloOptions options, IEnumerable<string> apiUrls)
    {
        foreach (string url in apiUrls)
        {
            BindingAddress address = BindingAddress.Parse(url);
            if (!address.IsUnixPipe && address.Port > 0)
            {
                foreach (IPAddress ip in ApiAddresses(address.Host))
                {
                    EnsureFree(ip, address.Port, $"the API URL {url} (--urls)");
                }
            }
        }

        IPAddress orleans = options.AdvertisedAddress is { } advertised ? IPAddress.Parse(advertised) : IPAddress.Any;
        if (options.SiloPort > 0)
        {
            EnsureFree(orleans, options.SiloPort, $"the silo port (--silo-port)");
        }

        if (options.GatewayPort > 0)
        {
            EnsureFree(orleans, options.GatewayPort, $"the gateway port (--gateway-port)");
        }
    }

    // Kestrel binds "localhost" on both loopback addresses when the machine has IPv6.
    private static IPAddress[] ApiAddresses(string host) => host switch
    {
        "localhost" when Socket.OSSupportsIPv6 => [IPAddress.Loopback, IPAddress.IPv6Loopback],
        "localhost" => [IPAddress.Loopback],
        "*" or "+" => [IPAddress.Any],
        _ => [IPAddress.TryParse(host, out IPAddress? ip) ? ip : IPAddress.Any],
    };

    private static void EnsureFree(IPAddress address, int port, string what)
    {
        try
        {
            using var listener = new TcpListener(address, port);
            listener.Start();
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new SiloStartupException(
                $"{address}:{port}, {what}, is already in use by another process; stop it or choose another port.");
        }
    }
}
