using CorralOS.Compose;
using CorralOS.Engine.Client;
using CorralOS.Engine.Tests;

namespace CorralOS.Services.Tests;

/// <summary>One real engine (in-process, temp socket and data root) with the busybox test image, shared by a test class.</summary>
public sealed class EngineFixture : IAsyncLifetime
{
    public TestEngine Engine { get; private set; } = null!;

    public EngineClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Engine = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(Engine);
        Client = new EngineClient("unix://" + Engine.Socket);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Engine.DisposeAsync();
    }

    /// <summary>A manager whose system and user scopes are both this engine; its log lines go to <paramref name="log"/>.</summary>
    public ServiceManager Manager(List<string>? log = null) =>
        new(_ => Client, "test", Engine.Dir, line => { lock (log ?? []) { log?.Add(line); } });

    public async Task<string> LogsAsync(string container)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        await Client.LogsAsync(container, stdout, stderr, cancellationToken: TestContext.Current.CancellationToken);
        return System.Text.Encoding.UTF8.GetString(stdout.ToArray()) + System.Text.Encoding.UTF8.GetString(stderr.ToArray());
    }

    /// <summary>
    /// The logs once they equal <paramref name="expected"/>, or what they hold after 30 s: a running container's first
    /// lines may come after its start has answered.
    /// </summary>
    public async Task<string> LogsOnceWrittenAsync(string container, string expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string logs;
        while ((logs = await LogsAsync(container)) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
        return logs;
    }

    public async Task<ContainerDetails> InspectAsync(string container) =>
        await Client.InspectContainerAsync(container, TestContext.Current.CancellationToken) ?? throw new InvalidOperationException($"no container {container}");

    public static DateTimeOffset Time(string? rfc3339) => DateTimeOffset.Parse(rfc3339!, System.Globalization.CultureInfo.InvariantCulture);

    public static IReadOnlyList<ServiceDefinition> Services(string yaml) => Definitions.Parse(yaml);
}
