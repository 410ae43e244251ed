using System.CommandLine;
using System.Text.Json;
using CorralOS.Linux;

namespace CorralOS.Cli.SystemDocker;

/// <summary>`rmi`, `tag`, `load`, `save`, `pull`: the image commands, with the docker CLI's output lines.</summary>
internal static class ImageCommands
{
    public static Command Rmi()
    {
        var command = new Command("rmi", "Remove one or more images");
        var images = CommandLineShape.NoFlags(new Argument<string[]>("IMAGE") { Description = "Image names or IDs", Arity = ArgumentArity.OneOrMore });
        var force = new Option<bool>("--force", "-f") { Description = "Force removal of the image (also when in use or tagged in several repositories)" };
        command.Arguments.Add(images);
        command.Options.Add(force);
        DockerAction.Set(command, (context, parse, cancellationToken) => DockerAction.ForEachAsync(context, parse.GetValue(images)!, async image =>
        {
            var result = await context.Client.RemoveImageAsync(image, parse.GetValue(force), cancellationToken);
            if (result.ValueKind != JsonValueKind.Array)
            {
                return;
            }
            foreach (var item in result.EnumerateArray())
            {
                if (ContainerRows.String(item, "Untagged") is { Length: > 0 } untagged)
                {
                    context.Output.WriteLine($"Untagged: {untagged}");
                }
                if (ContainerRows.String(item, "Deleted") is { Length: > 0 } deleted)
                {
                    context.Output.WriteLine($"Deleted: {deleted}");
                }
            }
        }));
        return command;
    }

    public static Command Tag()
    {
        var command = new Command("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
        var source = CommandLineShape.NoFlags(new Argument<string>("SOURCE_IMAGE[:TAG]") { Description = "The image to tag" });
        var target = CommandLineShape.NoFlags(new Argument<string>("TARGET_IMAGE[:TAG]") { Description = "The new name (tag latest unless given)" });
        command.Arguments.Add(source);
        command.Arguments.Add(target);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            var (repository, tag) = ImageRows.SplitTag(parse.GetValue(target)!);
            await context.Client.TagImageAsync(parse.GetValue(source)!, repository, tag, cancellationToken);
            return 0;
        });
        return command;
    }

    public static Command Load()
    {
        var command = new Command("load", "Load an image from a tar archive (docker save format) or STDIN");
        var input = new Option<string?>("--input", "-i") { Description = "Read from tar archive file, instead of STDIN" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress the load output" };
        command.Options.Add(input);
        command.Options.Add(quiet);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            Stream archive;
            if (parse.GetValue(input) is { Length: > 0 } path)
            {
                archive = File.OpenRead(path);
            }
            else
            {
                if (RawTerminal.IsTerminal(0))
                {
                    throw new UsageException("requested load from stdin, but stdin is empty");
                }
                archive = System.Console.OpenStandardInput();
            }
            await using (archive)
            {
                await context.Client.LoadImageAsync(archive, parse.GetValue(quiet), message =>
                {
                    if (ContainerRows.String(message, "stream") is { Length: > 0 } text)
                    {
                        context.Output.Write(text);
                    }
                }, cancellationToken);
            }
            return 0;
        });
        return command;
    }

    public static Command Save()
    {
        var command = new Command("save", "Save one or more images to a tar archive (streamed to STDOUT by default)");
        var images = CommandLineShape.NoFlags(new Argument<string[]>("IMAGE") { Description = "Image names or IDs", Arity = ArgumentArity.OneOrMore });
        var output = new Option<string?>("--output", "-o") { Description = "Write to a file, instead of STDOUT" };
        command.Arguments.Add(images);
        command.Options.Add(output);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            if (parse.GetValue(output) is { Length: > 0 } path)
            {
                var temporary = path + ".tmp-" + Environment.ProcessId;
                try
                {
                    await using (var file = File.Create(temporary))
                    {
                        await context.Client.SaveImagesAsync(parse.GetValue(images)!, file, cancellationToken);
                    }
                    File.Move(temporary, path, overwrite: true);
                }
                finally
                {
                    File.Delete(temporary);
                }
                return 0;
            }
            if (RawTerminal.IsTerminal(1))
            {
                throw new UsageException("cowardly refusing to save to a terminal. Use the -o flag or redirect");
            }
            await using var stdout = context.OpenStandardOutput();
            await context.Client.SaveImagesAsync(parse.GetValue(images)!, stdout, cancellationToken);
            return 0;
        });
        return command;
    }

    public static Command Pull()
    {
        var command = new Command("pull", "Download an image from a registry");
        var image = CommandLineShape.NoFlags(new Argument<string>("NAME[:TAG|@DIGEST]") { Description = "The image to pull" });
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Suppress verbose output" };
        command.Arguments.Add(image);
        command.Options.Add(quiet);
        DockerAction.Set(command, async (context, parse, cancellationToken) =>
        {
            await PullAsync(context, parse.GetValue(image)!, parse.GetValue(quiet) ? TextWriter.Null : context.Output, cancellationToken);
            context.Output.WriteLine(ImageReference.FullName(parse.GetValue(image)!));
            return 0;
        });
        return command;
    }

    /// <summary>
    /// Pulls with the docker CLI's lines for a non-terminal: "Using default tag", then "ID: status" for each step;
    /// progress bars (Downloading, Extracting with byte counts) are left out.
    /// </summary>
    public static async Task PullAsync(DockerContext context, string reference, TextWriter progress, CancellationToken cancellationToken)
    {
        var (name, tag) = ImageReference.Split(reference);
        if (!ImageReference.HasTagOrDigest(reference))
        {
            progress.WriteLine("Using default tag: latest");
        }
        await context.Client.PullImageAsync(name, tag, message =>
        {
            if (message.TryGetProperty("progressDetail", out var detail) && detail.ValueKind == JsonValueKind.Object && detail.EnumerateObject().Any())
            {
                return;
            }
            if (ContainerRows.String(message, "status") is not { Length: > 0 } status)
            {
                return;
            }
            progress.WriteLine(ContainerRows.String(message, "id") is { Length: > 0 } id ? $"{id}: {status}" : status);
            progress.Flush();
        }, cancellationToken);
    }
}

/// <summary>Image references as the docker CLI reads them: name, tag or digest, and the fully qualified form it prints after a pull.</summary>
internal static class ImageReference
{
    public static bool HasTagOrDigest(string reference) =>
        reference.Contains('@', StringComparison.Ordinal) || reference.LastIndexOf(':') > reference.LastIndexOf('/');

    /// <summary>The name and the tag (or digest) to pass as fromImage and tag.</summary>
    public static (string Name, string Tag) Split(string reference)
    {
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return (reference[..at], reference[(at + 1)..]);
        }
        return ImageRows.SplitTag(reference);
    }

    /// <summary>busybox → docker.io/library/busybox:latest; a reference with a registry stays as given (tag added).</summary>
    public static string FullName(string reference)
    {
        var full = HasTagOrDigest(reference) ? reference : reference + ":latest";
        var slash = full.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : full[..slash];
        if (slash >= 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            return full;
        }
        return "docker.io/" + (slash < 0 ? "library/" : "") + full;
    }
}
