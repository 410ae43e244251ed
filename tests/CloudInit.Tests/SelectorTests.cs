using System.Diagnostics;

namespace CorralOS.CloudInit.Tests;

/// <summary>Parallel probing: the first source to become available wins, within the total bound.</summary>
public sealed class SelectorTests
{
    /// <summary>A source that becomes available after a delay (or never), counting its probes.</summary>
    private sealed class TimedSource(string name, TimeSpan? availableAfter) : IDatasource
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public string Name => name;

        public int Probes { get; private set; }

        public Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
        {
            Probes++;
            return Task.FromResult(availableAfter is { } after && _clock.Elapsed >= after);
        }

        public Task<CloudData> FetchAsync(CancellationToken cancellationToken) => Task.FromResult(new CloudData(null, InstanceMetadata.Empty));
    }

    /// <summary>A source whose probe hangs until cancelled (a metadata address that never answers).</summary>
    private sealed class HangingSource : IDatasource
    {
        public string Name => "hanging";

        public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return true;
        }

        public Task<CloudData> FetchAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("never chosen");
    }

    [Fact]
    public async Task The_source_that_becomes_available_first_wins_while_others_hang_or_are_absent()
    {
        var late = new TimedSource("late", TimeSpan.FromSeconds(8));
        var soon = new TimedSource("soon", TimeSpan.FromMilliseconds(400));
        var never = new TimedSource("never", null);
        var clock = Stopwatch.StartNew();

        var chosen = await DatasourceSelector.SelectAsync([new HangingSource(), never, late, soon], TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Same(soon, chosen);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(7)); // well before late, even on a loaded machine
        Assert.True(soon.Probes > 1, "soon was retried until it came up");
    }

    [Fact]
    public async Task Nothing_available_ends_at_the_bound()
    {
        var clock = Stopwatch.StartNew();

        var chosen = await DatasourceSelector.SelectAsync([new HangingSource(), new TimedSource("never", null)], TimeSpan.FromMilliseconds(700), TestContext.Current.CancellationToken);

        Assert.Null(chosen);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(650), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_local_http_source_wins_over_a_service_that_never_answers()
    {
        using var dir = new TempDir();
        await using var silent = new LocalServer(_ => new Answer(200, [], TimeSpan.FromSeconds(60)));
        await using var answering = LocalServer.FromRoutes(new Dictionary<string, Answer> { ["/metadata/v1.json"] = Fixture.Ok("digitalocean/v1.json") });
        var options = Options.For(dir, answering);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var problems = new List<string>();
        var sources = DatasourceFactory.Create([$"ec2:{silent.BaseUri}", "digitalocean"], options, http, problems);
        var clock = Stopwatch.StartNew();

        var chosen = await DatasourceSelector.SelectAsync(sources, TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        Assert.Equal("digitalocean", chosen?.Name);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Empty(problems);
    }
}
