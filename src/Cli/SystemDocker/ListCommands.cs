using System.CommandLine;
using System.Text.Json;
using CorralOS.Cli.SystemDocker.Formatting;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`ps` and `images`: tables as the docker CLI prints them, -q, --no-trunc, --filter and --format.</summary>
internal static class ListCommands
{
    public static Command Ps()
    {
        var command = new Command("ps", "List containers (running ones unless -a)");
        var all = new Option<bool>("--all", "-a") { Description = "Show all containers (default shows just running)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only display container IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Filter output based on conditions provided (id, name, label, status, ...)" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template: 'table', 'table TEMPLATE', 'json', or a Go template ({{.ID}} {{.Names}} {{json .}})" };
        var last = new Option<int>("--last", "-n") { Description = "Show n last created containers (includes all states)", DefaultValueFactory = _ => -1 };
        var latest = new Option<bool>("--latest", "-l") { Description = "Show the latest created container (includes all states)" };
        command.Options.Add(all);
        command.Options.Add(filter);
        command.Options.Add(format);
        command.Options.Add(last);
        command.Options.Add(latest);
        command.Options.Add(noTrunc);
        command.Options.Add(quiet);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var limit = parse.GetValue(latest) ? 1 : parse.GetValue(last);
            var layout = new ListFormat(parse.GetValue(quiet) ? "{{.ID}}" : parse.GetValue(format), ContainerRows.DefaultTable);
            var list = await context.Client.ListContainerDocumentsAsync(parse.GetValue(all) || limit > 0, Filters.Parse(parse.GetValue(filter)), cancellationToken);
            IEnumerable<JsonElement> containers = list.EnumerateArray()
                .OrderByDescending(c => c.TryGetProperty("Created", out var created) && created.TryGetInt64(out var t) ? t : 0);
            if (limit > 0)
            {
                containers = containers.Take(limit);
            }
            var truncate = !parse.GetValue(noTrunc);
            context.Output.Write(layout.Render(ContainerRows.Headers, containers.Select(c => ContainerRows.From(c, truncate)).ToList()));
            return 0;
        });
        return command;
    }

    public static Command Images()
    {
        var command = new Command("images", "List images");
        var repository = CommandLineShape.NoFlags(new Argument<string?>("REPOSITORY[:TAG]") { Description = "Only images of this repository (and tag)", Arity = ArgumentArity.ZeroOrOne });
        var all = new Option<bool>("--all", "-a") { Description = "Show all images (default hides intermediate images)" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Only show image IDs" };
        var noTrunc = new Option<bool>("--no-trunc") { Description = "Don't truncate output" };
        var filter = new Option<string[]>("--filter", "-f") { Description = "Filter output based on conditions provided (reference, label, dangling, ...)" };
        var format = new Option<string?>("--format") { Description = "Format output using a custom template: 'table', 'table TEMPLATE', 'json', or a Go template ({{.Repository}} {{.Tag}} {{.ID}})" };
        command.Arguments.Add(repository);
        command.Options.Add(all);
        command.Options.Add(filter);
        command.Options.Add(format);
        command.Options.Add(noTrunc);
        command.Options.Add(quiet);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var filters = Filters.Parse(parse.GetValue(filter));
            if (parse.GetValue(repository) is { Length: > 0 } reference)
            {
                filters["reference"] = [reference];
            }
            var truncate = !parse.GetValue(noTrunc);
            var list = await context.Client.ListImageDocumentsAsync(parse.GetValue(all), filters, cancellationToken);
            if (parse.GetValue(quiet))
            {
                // One line per row (an image with two tags is listed twice), as docker does.
                foreach (var id in list.EnumerateArray().SelectMany(i => Enumerable.Repeat(ContainerRows.String(i, "Id"), Math.Max(1, ContainerRows.Strings(i, "RepoTags").Count(t => t != "<none>:<none>")))))
                {
                    context.Output.WriteLine(truncate ? ContainerRows.ShortId(id) : id);
                }
                return 0;
            }
            var layout = new ListFormat(parse.GetValue(format), ImageRows.DefaultTable);
            context.Output.Write(layout.Render(ImageRows.Headers, list.EnumerateArray().SelectMany(i => ImageRows.From(i, truncate)).ToList()));
            return 0;
        });
        return command;
    }
}
