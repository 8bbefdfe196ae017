using System.Net;
using System.Text;
using Kms.Tests.Shared;

namespace Kms.Client.Tests.Workloads;

/// <summary>A loopback HTTP server that answers every request with one status and body (a silo that is down, draining
/// or refusing), or never answers; it counts the requests it got.</summary>
internal sealed class StubSilo : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public StubSilo(int status, string body = "", string contentType = "application/problem+json", bool neverAnswer = false)
    {
        int port = DevSiloProcess.FreePort();
        Address = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Address.ToString());
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                Interlocked.Increment(ref _requests);
                if (neverAnswer)
                {
                    continue; // the connection stays open without an answer
                }

                byte[] bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = status;
                context.Response.ContentType = contentType;
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
    }

    public Uri Address { get; }

    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
