namespace CorralOS.SystemDockerClient.Tests;

/// <summary>`ps` and `images`: the same tables, IDs and --format output as the docker CLI against the same engine.</summary>
public sealed class ListingTests(ClientEngine engine) : IClassFixture<ClientEngine>
{
    // Both clients print relative times ("2 seconds ago", "Up 3 seconds"), and seconds pass between the two runs:
    // the counts' digits are masked (same width, so the alignment is still compared), and the pair is run again
    // when a count gained a digit in between.
    private async Task<(string Ours, string Docker)> BothAsync(params string[] args)
    {
        string ours = "", docker = "";
        for (var attempt = 0; attempt < 5; attempt++)
        {
            ours = MaskCounts((await engine.SystemDockerAsync(args)).Ok().Output);
            docker = MaskCounts((await engine.DockerAsync(args)).Ok().Output);
            if (ours == docker)
            {
                break;
            }
        }
        return (ours, docker);
    }

    private static string MaskCounts(string output) =>
        System.Text.RegularExpressions.Regex.Replace(output, @"\b\d+(?= (seconds?|minutes?|hours?|days?) )", m => new string('#', m.Length));

    private async Task<string> RunDetachedAsync(params string[] args) => (await engine.DockerAsync(["run", "-d", .. args])).Ok().Output.Trim();

    [Fact]
    public async Task Ps_prints_docker_s_table_ids_and_formats()
    {
        var running = await RunDetachedAsync("--name", "ps-running", "-l", "team=a", "busybox:test", "sh", "-c", "echo started; exec sleep 600");
        Assert.Equal(2, (await engine.DockerAsync("run", "--name", "ps-exited", "-l", "team=b", "busybox:test", "sh", "-c", "exit 2")).Exit);

        var (ours, docker) = await BothAsync("ps");
        Assert.Equal(docker, ours);
        Assert.StartsWith("CONTAINER ID   IMAGE          COMMAND                  CREATED", ours, StringComparison.Ordinal);
        Assert.Contains("\"sh -c echo started;…\"", ours, StringComparison.Ordinal);
        Assert.DoesNotContain("ps-exited", ours, StringComparison.Ordinal);

        foreach (var args in new[]
        {
            new[] { "ps", "-a" },
            ["ps", "-a", "--no-trunc"],
            ["ps", "-q"],
            ["ps", "-aq", "--no-trunc"],
            ["ps", "-a", "--filter", "label=team=b", "--format", "{{.Names}} {{.Status}} {{.Labels}}"],
            ["ps", "-a", "-f", "name=ps-running", "--format", "table {{.ID}}\\t{{.Names}}\\t{{.State}}"],
            ["ps", "-a", "--filter", "status=exited", "-q"],
            ["ps", "--format", "{{.Command}}|{{.Image}}|{{.Names}}"],
        })
        {
            (ours, docker) = await BothAsync(args);
            Assert.True(docker == ours, $"{string.Join(' ', args)}:\n--- docker\n{docker}--- system-docker\n{ours}");
        }
        Assert.Equal(running[..12] + "\n", (await engine.SystemDockerAsync("ps", "-q")).Ok().Output);

        // json: one object a line with docker's fields.
        var json = (await engine.SystemDockerAsync("ps", "-a", "--format", "json", "--filter", "name=ps-running")).Ok().Output;
        using var row = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(running[..12], row.RootElement.GetProperty("ID").GetString());
        Assert.Equal("ps-running", row.RootElement.GetProperty("Names").GetString());
        Assert.Equal("running", row.RootElement.GetProperty("State").GetString());
        Assert.Equal("team=a", row.RootElement.GetProperty("Labels").GetString());
        var all = (await engine.SystemDockerAsync("ps", "--format", "{{json .}}", "--filter", "name=ps-running")).Ok().Output;
        using var same = System.Text.Json.JsonDocument.Parse(all);
        Assert.Equal(row.RootElement.GetProperty("ID").GetString(), same.RootElement.GetProperty("ID").GetString());

        await engine.DockerAsync("rm", "-f", "ps-running", "ps-exited");
    }

    [Fact]
    public async Task Images_prints_docker_s_table_ids_and_formats()
    {
        (await engine.DockerAsync("tag", "busybox:test", "127.0.0.1:5999/team/box:v2")).Ok();
        foreach (var args in new[]
        {
            new[] { "images", "--format", "{{.Repository}} {{.Tag}} {{.ID}} {{.Size}} {{.CreatedSince}}" },
            ["images", "-q"],
            ["images", "-a", "--format", "table {{.Repository}}\\t{{.Tag}}\\t{{.Size}}"],
            ["images", "--no-trunc", "--format", "{{.ID}}"],
            ["images", "busybox", "--format", "{{.Repository}}:{{.Tag}}"],
            ["images", "--filter", "reference=127.0.0.1:5999/team/box", "--format", "{{.Repository}}:{{.Tag}}"],
        })
        {
            var ours = (await engine.SystemDockerAsync(args)).Ok().Output;
            var docker = (await engine.DockerAsync(args)).Ok().Output;
            // Tags of one image come in the docker CLI's map order: compare the lines as sets, the header first.
            var header = !args.Contains("--format") || args.Any(a => a.StartsWith("table", StringComparison.Ordinal));
            Assert.True(Sorted(docker, header) == Sorted(ours, header), $"{string.Join(' ', args)}:\n--- docker\n{docker}--- system-docker\n{ours}");
        }
        var table = (await engine.SystemDockerAsync("images")).Ok().Output;
        var dockerTable = (await engine.DockerAsync("images")).Ok().Output;
        Assert.Equal(dockerTable.Split('\n')[0], table.Split('\n')[0]);
        Assert.Equal(Sorted(dockerTable), Sorted(table));
        Assert.Matches(@"(?m)^busybox\s+test\s+[0-9a-f]{12}\s+\S.* ago\s+[0-9.]+[kMG]?B$", table);
        var json = (await engine.SystemDockerAsync("images", "--format", "json", "busybox:test")).Ok().Output;
        using var row = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal("busybox", row.RootElement.GetProperty("Repository").GetString());
        Assert.Equal("<none>", row.RootElement.GetProperty("Digest").GetString());
        (await engine.DockerAsync("rmi", "127.0.0.1:5999/team/box:v2")).Ok();
    }

    [Fact]
    public async Task Unsupported_template_syntax_is_one_clear_error()
    {
        var result = await engine.SystemDockerAsync("ps", "--format", "{{range .Names}}{{.}}{{end}}");
        Assert.Equal(1, result.Exit);
        Assert.Empty(result.Output);
        Assert.StartsWith("Error: unsupported template syntax {{range .Names}}", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.Trim().Split('\n'));

        result = await engine.SystemDockerAsync("images", "--format", "{{nosuchfunction .ID}}");
        Assert.Equal(1, result.Exit);
        Assert.Contains("function \"nosuchfunction\" not defined", result.Error, StringComparison.Ordinal);
    }

    // The lines in a fixed order; a table's header stays first.
    private static string Sorted(string output, bool header = true)
    {
        var lines = output.TrimEnd('\n').Split('\n');
        var kept = header ? 1 : 0;
        return string.Join('\n', lines.Take(kept).Concat(lines.Skip(kept).Order(StringComparer.Ordinal)));
    }
}
