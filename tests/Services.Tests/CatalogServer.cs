using System.Net;

namespace CorralOS.Services.Tests;

/// <summary>A catalog over HTTP on loopback: serves the given files, counts the requests, 404 for the rest.</summary>
public sealed class CatalogServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Dictionary<string, string> _files;
    private readonly Task _loop;

    public CatalogServer(Dictionary<string, string> files)
    {
        _files = files;
        var port = Testing.FreePorts.Next();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public int Requests;

    public void Dispose()
    {
        if (!_listener.IsListening)
        {
            return;
        }
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // the listener's end
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref Requests);
            if (_files.TryGetValue(context.Request.Url!.AbsolutePath, out var text))
            {
                var body = System.Text.Encoding.UTF8.GetBytes(text);
                context.Response.StatusCode = 200;
                await context.Response.OutputStream.WriteAsync(body);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
            context.Response.Close();
        }
    }
}
