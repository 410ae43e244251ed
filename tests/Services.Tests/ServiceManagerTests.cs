using CorralOS.Engine.Tests;

namespace CorralOS.Services.Tests;

/// <summary>The service manager against the real engine: every container here is a real crun container.</summary>
public sealed class ServiceManagerTests : IClassFixture<EngineFixture>
{
    private const string System = "io.rancher.os.scope: system";
    private readonly EngineFixture _fixture;

    public ServiceManagerTests(EngineFixture fixture) => _fixture = fixture;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Up_starts_in_dependency_order_waits_for_one_shots_and_shares_volumes()
    {
        var data = Directory.CreateDirectory(Path.Combine(_fixture.Engine.Dir, "shared-data")).FullName;
        File.WriteAllText(Path.Combine(data, "file"), "from the holder\n");
        var services = EngineFixture.Services($$$"""
            order-first:
              image: busybox:test
              command: sh -c "sleep 1; echo first"
              labels: {io.rancher.os.detach: "false", {{{System}}}}
            order-second:
              image: busybox:test
              command: [sh, -c, "echo second; exec sleep 600"]
              labels: {io.rancher.os.after: order-first, {{{System}}}}
            order-holder:
              image: busybox:test
              command: [true]
              volumes: ["{{{data}}}:/data"]
              labels: {io.rancher.os.createonly: "true", {{{System}}}}
            order-reader:
              image: busybox:test
              command: [cat, /data/file]
              volumes_from: ["order-holder:ro"]
              labels: {io.rancher.os.detach: "false", {{{System}}}}
            """);

        var report = await _fixture.Manager().UpAsync(services, new UpOptions(), Token);

        report.ThrowIfFailed();
        var first = await _fixture.InspectAsync("order-first");
        var second = await _fixture.InspectAsync("order-second");
        Assert.Equal(("exited", 0), (first.State.Status, first.State.ExitCode));
        Assert.True(second.State.Running);
        Assert.True(EngineFixture.Time(first.State.FinishedAt) <= EngineFixture.Time(second.State.StartedAt),
            $"second started at {second.State.StartedAt}, before first finished at {first.State.FinishedAt}");
        Assert.Equal("created", (await _fixture.InspectAsync("order-holder")).State.Status);
        Assert.Equal("from the holder\n", await _fixture.LogsAsync("order-reader"));
        Assert.Equal(["order-holder:ro"], (await _fixture.InspectAsync("order-reader")).HostConfig.VolumesFrom);
        var labels = second.Config.Labels!;
        Assert.Equal(("test", "order-second"), (labels[ManagedLabels.Project], labels[ManagedLabels.Service]));
        Assert.Matches("^[0-9a-f]{64}$", labels[ManagedLabels.ConfigHash]);
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task Independent_services_start_in_parallel()
    {
        var services = EngineFixture.Services($$$"""
            parallel-a: {image: busybox:test, command: [sleep, "3"], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            parallel-b: {image: busybox:test, command: [sleep, "3"], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            """);

        (await _fixture.Manager().UpAsync(services, new UpOptions(), Token)).ThrowIfFailed();

        var a = (await _fixture.InspectAsync("parallel-a")).State;
        var b = (await _fixture.InspectAsync("parallel-b")).State;
        // One-shots wait for their exit: one after the other, b would start only after a finished.
        Assert.True(EngineFixture.Time(a.StartedAt) < EngineFixture.Time(b.FinishedAt) && EngineFixture.Time(b.StartedAt) < EngineFixture.Time(a.FinishedAt),
            $"a ran {a.StartedAt}..{a.FinishedAt}, b ran {b.StartedAt}..{b.FinishedAt}: no overlap");
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task Up_converges_identical_is_left_changed_is_recreated_and_the_rebuild_label_decides()
    {
        string Yaml(string command, string rebuild) => $$$"""
            converge:
              image: busybox:test
              command: [sh, -c, "{{{command}}}; exec sleep 600"]
              labels: {io.docker.compose.rebuild: "{{{rebuild}}}", {{{System}}}}
            """;
        var manager = _fixture.Manager();

        await Up(Yaml("echo one", "true"));
        var created = await _fixture.InspectAsync("converge");
        var again = await Up(Yaml("echo one", "true"));
        Assert.Equal(ConvergeAction.Leave, Assert.Single(again.Outcomes).Action);
        var unchanged = await _fixture.InspectAsync("converge");
        Assert.Equal(created.Id, unchanged.Id);
        Assert.Equal(created.State.StartedAt, unchanged.State.StartedAt); // not even restarted

        await Up(Yaml("echo two", "true"));
        var changed = await _fixture.InspectAsync("converge");
        Assert.NotEqual(created.Id, changed.Id);
        Assert.True(changed.State.Running);
        Assert.Equal("two\n", await _fixture.LogsOnceWrittenAsync("converge", "two\n"));

        await Up(Yaml("echo three", "false")); // the label itself changed, but "false" never recreates
        Assert.Equal(changed.Id, (await _fixture.InspectAsync("converge")).Id);

        await Up(Yaml("echo two", "always"));
        var always = await _fixture.InspectAsync("converge");
        Assert.NotEqual(changed.Id, always.Id);
        await Up(Yaml("echo two", "always"));
        Assert.NotEqual(always.Id, (await _fixture.InspectAsync("converge")).Id);

        await _fixture.Client.StopContainerAsync("converge", 0, Token);
        var restarted = await Up(Yaml("echo two", "true"), RecreateMode.Never);
        Assert.Equal(ConvergeAction.Start, Assert.Single(restarted.Outcomes).Action);
        Assert.True((await _fixture.InspectAsync("converge")).State.Running);

        await manager.StopAsync(EngineFixture.Services(Yaml("", "true")), null, 0, Token);
        Assert.False((await _fixture.InspectAsync("converge")).State.Running);
        await manager.RemoveAsync(EngineFixture.Services(Yaml("", "true")), null, force: false, volumes: false, Token);
        Assert.Null(await _fixture.Client.InspectContainerAsync("converge", Token));

        async Task<UpReport> Up(string yaml, RecreateMode mode = RecreateMode.Changed)
        {
            var report = await manager.UpAsync(EngineFixture.Services(yaml), new UpOptions { Recreate = mode }, Token);
            report.ThrowIfFailed();
            return report;
        }
    }

    [Fact]
    public async Task A_one_shot_that_fails_fails_its_dependents_but_not_the_others()
    {
        var services = EngineFixture.Services($$$"""
            oneshot-fails: {image: busybox:test, command: [sh, -c, "exit 3"], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            oneshot-after: {image: busybox:test, command: [true], labels: {io.rancher.os.after: oneshot-fails, {{{System}}}}}
            oneshot-other: {image: busybox:test, command: [true], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            """);
        var log = new List<string>();

        var report = await _fixture.Manager(log).UpAsync(services, new UpOptions(), Token);

        Assert.Equal("exited with status 3", report.Failures["oneshot-fails"]);
        Assert.Equal("not started: oneshot-fails failed", report.Failures["oneshot-after"]);
        Assert.Equal("oneshot-other", Assert.Single(report.Outcomes).Service);
        Assert.Null(await _fixture.Client.InspectContainerAsync("oneshot-after", Token));
        Assert.Contains("oneshot-fails: exited with status 3", log);
        var error = Assert.Throws<ServiceException>(report.ThrowIfFailed);
        Assert.Equal("oneshot-after: not started: oneshot-fails failed; oneshot-fails: exited with status 3", error.Message);
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task A_reloadconfig_service_reloads_and_up_runs_again_over_the_new_services()
    {
        var before = EngineFixture.Services($$$"""
            reload-oneshot: {image: busybox:test, command: [echo, once], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            reload-network: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.reloadconfig: "true", io.rancher.os.after: reload-oneshot, {{{System}}}}}
            """);
        var after = EngineFixture.Services($$$"""
            reload-oneshot: {image: busybox:test, command: [echo, once], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            reload-network: {image: busybox:test, command: [sleep, "600"], labels: {io.rancher.os.reloadconfig: "true", io.rancher.os.after: reload-oneshot, {{{System}}}}}
            reload-added: {image: busybox:test, command: [echo, added], labels: {io.rancher.os.after: reload-network, io.rancher.os.detach: "false", {{{System}}}}}
            """);
        var reloads = 0;

        var report = await _fixture.Manager().UpAsync(before, new UpOptions
        {
            Reload = _ => { reloads++; return Task.FromResult(after); },
        }, Token);

        report.ThrowIfFailed();
        Assert.Equal((1, 2), (reloads, report.Rounds)); // the second round left the network service alone: no third
        Assert.Equal("added\n", await _fixture.LogsAsync("reload-added"));
        Assert.Equal("once\n", await _fixture.LogsAsync("reload-oneshot")); // what the first round did is not done again
        await _fixture.Manager().RemoveAsync(after, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task A_reload_round_asks_the_engine_nothing_about_a_service_the_first_round_brought_up_unchanged()
    {
        await _fixture.Client.TagImageAsync("busybox:test", "reload-kept", "1", Token);
        var services = EngineFixture.Services($$$"""
            reload-kept: {image: "reload-kept:1", command: [sleep, "600"], labels: {io.rancher.os.reloadconfig: "true", {{{System}}}}}
            """);
        var log = new List<string>();
        try
        {
            var report = await _fixture.Manager(log).UpAsync(services, new UpOptions
            {
                // The image goes away before the second round: a round that looked it up would find it missing
                // and fail the service; one that knows the service is up with this config leaves it alone.
                Reload = async ct =>
                {
                    await _fixture.Client.RemoveImageAsync("reload-kept:1", force: true, ct);
                    return services;
                },
            }, Token);

            report.ThrowIfFailed();
            Assert.Equal(2, report.Rounds);
            Assert.Contains("reload-kept: up to date", log);
            Assert.True((await _fixture.InspectAsync("reload-kept")).State.Running);
        }
        finally
        {
            await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
        }
    }

    [Fact]
    public async Task A_cycle_or_a_missing_image_fails_before_or_without_creating_anything()
    {
        var cycle = EngineFixture.Services($$$"""
            cycle-a: {image: busybox:test, labels: {io.rancher.os.after: cycle-b, {{{System}}}}}
            cycle-b: {image: busybox:test, labels: {io.rancher.os.after: cycle-a, {{{System}}}}}
            """);
        var error = await Assert.ThrowsAsync<ServiceException>(() => _fixture.Manager().UpAsync(cycle, new UpOptions(), Token));
        Assert.Equal("dependency cycle: cycle-a -> cycle-b -> cycle-a", error.Message);
        Assert.Null(await _fixture.Client.InspectContainerAsync("cycle-a", Token));

        // A registry on loopback where nothing listens: the pull is tried and fails without leaving this machine.
        var missing = EngineFixture.Services($"missing-image: {{image: \"127.0.0.1:9/nothing/here:1\", labels: {{{System}}}}}");
        var report = await _fixture.Manager().UpAsync(missing, new UpOptions(), Token);
        Assert.StartsWith("image 127.0.0.1:9/nothing/here:1 is not in the engine and could not be pulled: ", report.Failures["missing-image"], StringComparison.Ordinal);
        var noPull = await _fixture.Manager().UpAsync(missing, new UpOptions { PullMissing = false }, Token);
        Assert.Equal("image 127.0.0.1:9/nothing/here:1 is not in the engine", noPull.Failures["missing-image"]);
    }

    [Fact]
    public async Task An_image_with_a_repository_path_is_found_without_a_pull()
    {
        await Engine.Tests.BusyboxImage.LoadAsync(_fixture.Engine, "corralos/os-slashed:1");
        var services = EngineFixture.Services($$$"""
            slashed: {image: "corralos/os-slashed:1", command: [echo, found], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            """);
        var log = new List<string>();

        (await _fixture.Manager(log).UpAsync(services, new UpOptions { PullMissing = false }, Token)).ThrowIfFailed();

        Assert.Equal(["slashed: created", "slashed: started", "slashed: exited 0"], log);
        Assert.NotNull(await _fixture.Client.InspectImageAsync("corralos/os-slashed:1", Token));
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task A_local_image_is_loaded_when_its_service_converges_and_does_not_make_it_wait_for_network()
    {
        // With a pull, a missing image makes its service wait for `network`: here network starts after them, a cycle.
        var services = EngineFixture.Services($$$"""
            local-a: {image: "corralos/os-local:1", command: [echo, a], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            local-b: {image: "corralos/os-local:1", command: [echo, b], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            network: {image: busybox:test, command: [echo, n], labels: {io.rancher.os.after: "local-a,local-b", io.rancher.os.detach: "false", {{{System}}}}}
            """);
        var local = new LocalImagesDouble("corralos/os-local:1");

        (await _fixture.Manager().UpAsync(services, new UpOptions { PullMissing = false, LocalImages = local }, Token)).ThrowIfFailed();

        Assert.InRange(local.Loads, 1, 2);
        Assert.NotNull(await _fixture.Client.InspectImageAsync("corralos/os-local:1", Token));
        await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
    }

    [Fact]
    public async Task An_image_the_engine_cannot_answer_for_fails_its_service_only_with_the_engines_reason()
    {
        // System Docker answers 500 for an image of a system images file it cannot find (ImageStore.LinkSource).
        var store = _fixture.Engine.Server!.Store;
        store.LinkSource = name => name == "corralos/os-gone:1" ? throw new IOException("the system images file (erofs UUID 1234) was not found: no disk with UUID 1234") : null;
        var services = EngineFixture.Services($$$"""
            gone: {image: "corralos/os-gone:1", command: [echo, g], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            here: {image: busybox:test, command: [echo, h], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            """);
        try
        {
            var report = await _fixture.Manager().UpAsync(services, new UpOptions { PullMissing = false }, Token);

            Assert.Contains("was not found: no disk with UUID 1234", report.Failures["gone"]);
            Assert.Contains(report.Outcomes, o => o.Service == "here" && o.Started);
        }
        finally
        {
            store.LinkSource = null;
            await _fixture.Manager().RemoveAsync(services, null, force: true, volumes: false, Token);
        }
    }

    [Fact]
    public async Task A_user_scope_service_waits_for_User_Docker_to_answer_once_its_service_started()
    {
        // User Docker is a service of the same up: when the round begins, nothing listens on its socket yet.
        await using var userDocker = await TestEngine.StartAsync();
        await BusyboxImage.LoadAsync(userDocker);
        await userDocker.StopServerAsync();
        using var userClient = new Engine.Client.EngineClient("unix://" + userDocker.Socket);
        var services = EngineFixture.Services($$$"""
            docker: {image: busybox:test, command: [sleep, "600"], labels: {{{{System}}}}}
            user-web: {image: busybox:test, command: [sleep, "600"]}
            system-echo: {image: busybox:test, command: [echo, s], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            """);
        var manager = new ServiceManager(scope => scope == Compose.ServiceScope.System ? _fixture.Client : userClient, "test", _fixture.Engine.Dir);
        try
        {
            var up = manager.UpAsync(services, new UpOptions { PullMissing = false }, Token);
            await Task.Delay(TimeSpan.FromSeconds(2), Token);
            Assert.False(up.IsCompleted, "up finished before User Docker answered");
            await userDocker.StartServerAsync();

            (await up).ThrowIfFailed();
            Assert.True((await userClient.InspectContainerAsync("user-web", Token))!.State.Running);
            Assert.Null(await _fixture.Client.InspectContainerAsync("user-web", Token));
        }
        finally
        {
            await manager.RemoveAsync(services, null, force: true, volumes: false, Token);
        }
    }

    [Fact]
    public async Task A_user_scope_service_without_User_Docker_fails_alone()
    {
        // rancher.init_shell leaves User Docker out of the boot: a user-scope service fails, the others start.
        using var nowhere = new Engine.Client.EngineClient("unix:///nonexistent/docker.sock");
        var services = EngineFixture.Services($$$"""
            lonely-user: {image: busybox:test, command: [sleep, "600"]}
            lonely-system: {image: busybox:test, command: [echo, s], labels: {io.rancher.os.detach: "false", {{{System}}}}}
            """);
        var manager = new ServiceManager(scope => scope == Compose.ServiceScope.System ? _fixture.Client : nowhere, "test", _fixture.Engine.Dir);
        try
        {
            var report = await manager.UpAsync(services, new UpOptions { PullMissing = false }, Token);

            Assert.StartsWith("a user-scope service (no io.rancher.os.scope: system), and User Docker is not running and not a service here: cannot reach the engine at unix:///nonexistent/docker.sock",
                report.Failures["lonely-user"], StringComparison.Ordinal);
            Assert.Contains(report.Outcomes, o => o.Service == "lonely-system" && o.Started);
        }
        finally
        {
            await _fixture.Manager().RemoveAsync([.. services.Where(s => s.Name == "lonely-system")], null, force: true, volumes: false, Token);
        }
    }

    private sealed class LocalImagesDouble(string image) : ILocalImages
    {
        private int _loads;

        public int Loads => _loads;

        public bool Holds(string name) => name == image;

        public async Task LoadAsync(Engine.Client.EngineClient engine, string name, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _loads);
            using var archive = new MemoryStream(Engine.Tests.TestImage.Tar(Engine.Tests.BusyboxImage.Create(name).DockerSaveFiles()));
            await engine.LoadImageAsync(archive, cancellationToken);
        }
    }

    [Fact]
    public async Task Engine_errors_are_one_line_with_the_engines_message()
    {
        var error = await Assert.ThrowsAsync<Engine.Client.EngineApiException>(() => _fixture.Client.StartContainerAsync("no-such-container", Token));
        Assert.Equal(global::System.Net.HttpStatusCode.NotFound, error.Status);
        Assert.Contains("no-such-container", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);

        using var nowhere = new Engine.Client.EngineClient("unix:///nonexistent/engine.sock");
        var unreachable = await Assert.ThrowsAsync<Engine.Client.EngineApiException>(() => nowhere.PingAsync(Token));
        Assert.StartsWith("cannot reach the engine at unix:///nonexistent/engine.sock: ", unreachable.Message, StringComparison.Ordinal);
        await _fixture.Client.PingAsync(Token);
        Assert.Contains(await _fixture.Client.ListImagesAsync(Token), i => i.RepoTags?.Contains("busybox:test") == true);
    }
}
