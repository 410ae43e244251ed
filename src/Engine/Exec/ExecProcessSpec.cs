using System.Text.Json.Nodes;
using CorralOS.Engine.Containers;

namespace CorralOS.Engine.Exec;

/// <summary>
/// The process.json for `crun exec`: the running container's own process (capabilities, rlimits, environment) with
/// the exec's command, environment added by key, working directory, user and terminal, as Docker derives it.
/// </summary>
internal static class ExecProcessSpec
{
    public static JsonObject Build(ExecConfig config, Container container, ContainerLayout layout)
    {
        var specFile = Path.Combine(layout.Bundle(container.Id), "config.json");
        var spec = JsonNode.Parse(File.ReadAllText(specFile))?.AsObject() ?? throw new ConflictException($"container {container.Id} has no runtime spec");
        var process = (spec["process"]?.DeepClone() as JsonObject) ?? new JsonObject();
        process["terminal"] = config.Tty;
        process["args"] = new JsonArray(config.Cmd!.Select(a => (JsonNode)a!).ToArray());
        process["env"] = new JsonArray(Environment(process["env"] as JsonArray, config).Select(e => (JsonNode)e!).ToArray());
        if (!string.IsNullOrEmpty(config.WorkingDir))
        {
            process["cwd"] = config.WorkingDir;
        }
        if (!string.IsNullOrEmpty(config.User))
        {
            var user = UserLookup.Resolve(config.User, layout.RootFs(container.Id));
            process["user"] = new JsonObject
            {
                ["uid"] = user.Uid,
                ["gid"] = user.Gid,
                ["additionalGids"] = new JsonArray(user.AdditionalGids.Select(g => (JsonNode)g).ToArray()),
            };
        }
        if (config.Privileged)
        {
            process["capabilities"] = OciSpecBuilder.Capabilities(new HostConfig { Privileged = true });
        }
        process.Remove("consoleSize");
        return process;
    }

    // The container's environment, then the exec's (a key set again replaces it); TERM=xterm with a TTY, as Docker.
    private static List<string> Environment(JsonArray? containerEnv, ExecConfig config)
    {
        var env = new List<string>(containerEnv?.Select(e => e!.GetValue<string>()) ?? []);
        var added = new List<string>(config.Env ?? []);
        if (config.Tty && !added.Any(e => e.StartsWith("TERM=", StringComparison.Ordinal)))
        {
            added.Insert(0, "TERM=xterm");
        }
        foreach (var entry in added)
        {
            var key = entry.Split('=', 2)[0] + "=";
            env.RemoveAll(e => e.StartsWith(key, StringComparison.Ordinal) || e == key[..^1]);
            env.Add(entry);
        }
        return env;
    }
}
