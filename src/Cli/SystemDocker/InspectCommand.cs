using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using CorralOS.Cli.SystemDocker.Formatting;
using CorralOS.Engine.Client;

namespace CorralOS.Cli.SystemDocker;

/// <summary>
/// `inspect`: containers, else images, by name or ID, as a JSON array indented as the docker CLI indents it, or one
/// line per object from -f/--format; names found nowhere are "Error: No such object: NAME" and exit 1.
/// </summary>
internal static class InspectCommand
{
    private static readonly JsonWriterOptions s_indented = new() { Indented = true, IndentSize = 4, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var command = new Command("inspect", "Return low-level information on containers or images");
        var names = CommandLineShape.NoFlags(new Argument<string[]>("NAME|ID") { Description = "Container or image names or IDs", Arity = ArgumentArity.OneOrMore });
        var format = new Option<string?>("--format", "-f") { Description = "Format output using a Go template ({{.State.Status}}, {{.Id}}, {{json .Config}}) or 'json'" };
        var type = new Option<string?>("--type") { Description = "Return JSON for the specified type: container or image" };
        var size = new Option<bool>("--size", "-s") { Description = "Accepted for compatibility; sizes are not computed" };
        command.Arguments.Add(names);
        command.Options.Add(format);
        command.Options.Add(size);
        command.Options.Add(type);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var kind = parse.GetValue(type);
            if (kind is not (null or "" or "container" or "image"))
            {
                throw new UsageException($"\"{kind}\" is not a valid value for --type");
            }
            var template = parse.GetValue(format) is { Length: > 0 } f && f != "json" ? GoTemplate.Parse(f.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal)) : null;
            var found = new List<JsonElement>();
            var errors = new List<string>();
            foreach (var name in parse.GetValue(names)!)
            {
                if (await FindAsync(context.Client, name, kind, cancellationToken) is { } element)
                {
                    found.Add(element);
                }
                else
                {
                    errors.Add(kind switch { "container" => $"Error: No such container: {name}", "image" => $"Error: No such image: {name}", _ => $"Error: No such object: {name}" });
                }
            }
            if (template is not null)
            {
                foreach (var element in found)
                {
                    context.Output.WriteLine(template.Execute(element));
                }
            }
            else
            {
                context.Output.WriteLine(Indent(found));
            }
            context.Output.Flush();
            foreach (var error in errors)
            {
                context.Error.WriteLine(error);
            }
            return errors.Count > 0 ? 1 : 0;
        });
        return command;
    }

    /// <summary>The elements as one JSON array, four spaces an indent level.</summary>
    public static string Indent(IEnumerable<JsonElement> elements)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, s_indented))
        {
            writer.WriteStartArray();
            foreach (var element in elements)
            {
                element.WriteTo(writer);
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static async Task<JsonElement?> FindAsync(EngineClient client, string name, string? kind, CancellationToken cancellationToken)
    {
        if (kind is null or "" or "container")
        {
            try
            {
                return await client.InspectContainerDocumentAsync(name, cancellationToken);
            }
            catch (EngineApiException e) when (e.IsNotFound)
            {
                // not a container: maybe an image
            }
        }
        if (kind is null or "" or "image")
        {
            try
            {
                return await client.InspectImageDocumentAsync(name, cancellationToken);
            }
            catch (EngineApiException e) when (e.IsNotFound)
            {
                // nothing by that name
            }
        }
        return null;
    }
}
