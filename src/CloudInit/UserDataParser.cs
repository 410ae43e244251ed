using System.IO.Compression;
using System.Text;
using CorralOS.Config;

namespace CorralOS.CloudInit;

/// <summary>
/// Sorts user data (reference §5.2 step 3, plus gzip everywhere and MIME multipart): #cloud-config → cloud-config;
/// #! → script; #compose → a cloud-config with the compose file under rancher.services; multipart → each part by its
/// type (text/cloud-config, text/x-shellscript) or, for text/plain, by its first line; several cloud-config parts
/// merge in order. A cloud-config that is not YAML or has wrong types is dropped with its problems, as RancherOS
/// dropped one that did not convert; anything else is reported and ignored. Nothing here throws.
/// </summary>
public static class UserDataParser
{
    private const int MaxSize = 32 * 1024 * 1024;

    public static UserData Parse(byte[]? raw)
    {
        if (raw is null || raw.Length == 0)
        {
            return UserData.None;
        }
        var sorter = new Sorter();
        sorter.Add(raw, "user-data", declaredType: null);
        return sorter.Result();
    }

    private sealed class Sorter
    {
        private readonly List<(string Text, string Name)> _configs = [];
        private readonly List<string> _problems = [];
        private byte[]? _script;

        public void Add(byte[] bytes, string name, string? declaredType)
        {
            if (IsGzip(bytes))
            {
                try
                {
                    bytes = Gunzip(bytes);
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    _problems.Add($"{name}: not valid gzip ({e.Message}); ignored");
                    return;
                }
            }
            var text = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal);
            if (declaredType is null && Mime.LooksLikeMime(text) || declaredType?.StartsWith("multipart/", StringComparison.Ordinal) == true)
            {
                AddMultipart(declaredType is null ? text : $"Content-Type: {declaredType}\n\n{text}", name);
                return;
            }
            var firstLine = text.Split('\n', 2)[0].Trim();
            switch (declaredType)
            {
                case "text/cloud-config":
                    AddConfig(text, name);
                    return;
                case "text/x-shellscript":
                    AddScript(firstLine.StartsWith("#!", StringComparison.Ordinal) ? bytes : Encoding.UTF8.GetBytes("#!/bin/sh\n" + text), name);
                    return;
                case null or "text/plain":
                    break;
                default:
                    _problems.Add($"{name}: {declaredType} parts are not supported; ignored");
                    return;
            }
            if (firstLine.StartsWith("#!", StringComparison.Ordinal))
            {
                AddScript(bytes, name);
            }
            else if (firstLine == "#cloud-config")
            {
                AddConfig(text, name);
            }
            else if (firstLine == "#compose")
            {
                AddCompose(text, name);
            }
            else
            {
                var shown = firstLine.Length > 40 ? firstLine[..40] + "..." : firstLine;
                _problems.Add($"{name}: unrecognized user data (first line \"{shown}\"; expected #cloud-config, #!, #compose or MIME multipart); ignored");
            }
        }

        public UserData Result()
        {
            string? config = _configs.Count switch
            {
                0 => null,
                1 => _configs[0].Text,
                _ => "#cloud-config\n" + ConfigYaml.Write(_configs.Select(c => YamlDocument.Parse(c.Text, c.Name).Tree)
                    .Aggregate(YamlDocument.NewTree(), (merged, next) => ConfigMerge.Merge(merged, next))),
            };
            return new UserData(config, _script, _problems);
        }

        private void AddMultipart(string text, string name)
        {
            IReadOnlyList<Mime.Part> parts;
            try
            {
                parts = Mime.Split(Mime.Read(text));
            }
            catch (FormatException e)
            {
                _problems.Add($"{name}: {e.Message}; ignored");
                return;
            }
            for (var i = 0; i < parts.Count; i++)
            {
                var part = parts[i];
                var partName = $"{name} part {i + 1} ({part.ContentType})";
                try
                {
                    Add(Mime.Decode(part), partName, part.ContentType);
                }
                catch (FormatException e)
                {
                    _problems.Add($"{partName}: {e.Message}; ignored");
                }
            }
        }

        private void AddConfig(string text, string name)
        {
            if (Validate(YamlDocument.Parse(text, name)))
            {
                _configs.Add((text, name));
            }
        }

        // RancherOS's composeToCloudConfig: the compose file's services go under rancher.services. A v2/v3 file
        // (version: + services:) contributes its services map.
        private void AddCompose(string text, string name)
        {
            var compose = YamlDocument.Parse(text, name);
            if (compose.SyntaxProblems.Count > 0)
            {
                Report(compose.SyntaxProblems);
                return;
            }
            var services = compose.Tree.ContainsKey("version") && compose.Tree.GetValueOrDefault("services") is Dictionary<string, object?> inner ? inner : compose.Tree;
            var tree = YamlDocument.NewTree();
            ConfigTree.Set(tree, "rancher.services", services);
            var generated = "#cloud-config\n" + ConfigYaml.Write(tree);
            if (Validate(YamlDocument.Parse(generated, name)))
            {
                _configs.Add((generated, name));
            }
        }

        private void AddScript(byte[] bytes, string name)
        {
            if (_script is null)
            {
                _script = bytes;
            }
            else
            {
                _problems.Add($"{name}: a second script; only the first one is kept (cloud-config-script holds one)");
            }
        }

        private bool Validate(YamlDocument document)
        {
            var problems = document.SyntaxProblems.Count > 0 ? document.SyntaxProblems : ConfigSchema.Validate(document);
            Report(problems);
            return problems.All(p => p.IsUnknownKey);
        }

        private void Report(IEnumerable<ConfigProblem> problems)
        {
            var list = problems.ToList();
            var fatal = list.Any(p => !p.IsUnknownKey);
            foreach (var problem in list)
            {
                _problems.Add(fatal ? $"{problem} (cloud-config not saved)" : $"{problem} (key ignored)");
            }
        }
    }

    private static bool IsGzip(byte[] bytes) => bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;

    private static byte[] Gunzip(byte[] bytes)
    {
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = gzip.Read(buffer)) > 0)
        {
            if (output.Length + read > MaxSize)
            {
                throw new InvalidDataException($"larger than {MaxSize / 1024 / 1024} MiB uncompressed");
            }
            output.Write(buffer, 0, read);
        }
        return output.ToArray();
    }
}
