using System.Net.Sockets;

namespace Kms.Silo;

/// <summary>Recognises a start that failed because a port the silo listens on is taken.</summary>
internal static class ListenConflict
{
    /// <summary>One line for the operator, or <see langword="null"/> when the failure is something else.</summary>
    public static string? Describe(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } socket)
            {
                // Kestrel wraps the socket error in an IOException that names the URL; Orleans' own ports do not.
                return exception is IOException && exception.Message.Contains("address", StringComparison.OrdinalIgnoreCase)
                    ? exception.Message
                    : $"a port this silo listens on is already in use ({socket.Message}); check --urls, --silo-port " +
                      "and --gateway-port, or stop the process that holds it.";
            }

            if (current is IOException io && io.InnerException is null
                && io.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return io.Message;
            }
        }

        return null;
    }
}
