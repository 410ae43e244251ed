using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CorralOS.Cli.SystemDocker.Formatting;

/// <summary>
/// The part of Go's text/template the docker CLI's --format is used with: text, and actions that are a field path
/// ({{.State.Status}}, {{.}}) or a function call on one (json, index, join, split, upper, lower, title, len,
/// truncate, pad...), also as a pipeline ({{.Names | upper}}); `{{-`/`-}}` trim spaces. Anything else (if, range,
/// with, variables) is refused with <see cref="TemplateException"/> when the template is parsed, before output.
/// Values are JSON documents; fields are matched by name, then ignoring case (Go's APIVersion is JSON's ApiVersion).
/// </summary>
public sealed class GoTemplate
{
    private readonly List<Node> _nodes;

    private GoTemplate(List<Node> nodes) => _nodes = nodes;

    public static GoTemplate Parse(string text)
    {
        var nodes = new List<Node>();
        var position = 0;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                nodes.Add(new TextNode(text[position..]));
                break;
            }
            var literal = text[position..open];
            var close = text.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new TemplateException($"template parsing error: unclosed action in \"{text}\"");
            }
            var action = text[(open + 2)..close];
            if (action.StartsWith("- ", StringComparison.Ordinal))
            {
                literal = literal.TrimEnd();
                action = action[1..];
            }
            var trimAfter = action.EndsWith(" -", StringComparison.Ordinal);
            if (trimAfter)
            {
                action = action[..^1];
            }
            nodes.Add(new TextNode(literal));
            nodes.Add(ParsePipeline(action.Trim(), text));
            position = close + 2;
            if (trimAfter)
            {
                while (position < text.Length && char.IsWhiteSpace(text[position]))
                {
                    position++;
                }
            }
        }
        return new GoTemplate(nodes);
    }

    public string Execute(JsonElement data)
    {
        var output = new StringBuilder();
        foreach (var node in _nodes)
        {
            output.Append(node switch
            {
                TextNode t => t.Text,
                PipelineNode p => Format(p.Evaluate(data)),
                _ => "",
            });
        }
        return output.ToString();
    }

    /// <summary>The field paths the template reads at its top level ("ID" of {{.ID}}), for table headers.</summary>
    public IEnumerable<string> Fields => _nodes.OfType<PipelineNode>().SelectMany(p => p.Fields);

    // Go's %v of a decoded JSON value: strings bare, arrays [a b], objects map[k:v] with sorted keys. A null prints
    // empty: the docker CLI reads inspect data into typed structs, where the engine's nulls are mostly empty strings.
    public static string Format(Value value) => value switch
    {
        { Missing: true } => "<no value>",
        { Text: { } text } => text,
        _ => FormatElement(value.Element),
    };

    private static string FormatElement(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString() ?? "",
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Array => "[" + string.Join(' ', element.EnumerateArray().Select(FormatElement)) + "]",
        _ => "map[" + string.Join(' ', element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => p.Name + ":" + FormatElement(p.Value))) + "]",
    };

    private static PipelineNode ParsePipeline(string action, string template)
    {
        if (action.Length == 0)
        {
            throw new TemplateException($"template parsing error: missing value for command in \"{template}\"");
        }
        var first = action.Split(' ', 2)[0];
        if (first is "if" or "range" or "with" or "end" or "else" or "define" or "template" or "block" or "break" or "continue" || action.StartsWith('$') || action.StartsWith("/*", StringComparison.Ordinal) || action.Contains(":=", StringComparison.Ordinal))
        {
            throw new TemplateException($"unsupported template syntax {{{{{action}}}}}: system-docker's --format takes field paths ({{{{.Field.Sub}}}}, {{{{.}}}}) and the functions {string.Join(", ", Functions.Names)}, also piped");
        }
        var commands = SplitPipes(action).Select(c => ParseCommand(c, action)).ToList();
        return new PipelineNode(commands);
    }

    private static IEnumerable<string> SplitPipes(string action)
    {
        var start = 0;
        var quoted = false;
        for (var i = 0; i < action.Length; i++)
        {
            if (action[i] == '"' && (i == 0 || action[i - 1] != '\\'))
            {
                quoted = !quoted;
            }
            else if (action[i] == '|' && !quoted)
            {
                yield return action[start..i].Trim();
                start = i + 1;
            }
        }
        yield return action[start..].Trim();
    }

    private static CommandNode ParseCommand(string command, string action)
    {
        var words = Tokenize(command, action);
        if (words.Count == 0)
        {
            throw new TemplateException($"template parsing error: missing command in {{{{{action}}}}}");
        }
        var head = words[0];
        if (head is FieldTerm or LiteralTerm)
        {
            if (words.Count > 1)
            {
                throw new TemplateException($"template parsing error: {{{{{action}}}}}: a value can't be called with arguments");
            }
            return new CommandNode(null, words);
        }
        var name = ((FunctionTerm)head).Name;
        if (!Functions.Names.Contains(name))
        {
            throw new TemplateException($"template parsing error: function \"{name}\" not defined (system-docker knows {string.Join(", ", Functions.Names)})");
        }
        return new CommandNode(name, words.Skip(1).ToList());
    }

    private static List<Term> Tokenize(string command, string action)
    {
        var terms = new List<Term>();
        var i = 0;
        while (i < command.Length)
        {
            if (char.IsWhiteSpace(command[i]))
            {
                i++;
                continue;
            }
            if (command[i] == '"')
            {
                var text = new StringBuilder();
                i++;
                while (i < command.Length && command[i] != '"')
                {
                    if (command[i] == '\\' && i + 1 < command.Length)
                    {
                        i++;
                        text.Append(command[i] switch { 'n' => '\n', 't' => '\t', var c => c });
                    }
                    else
                    {
                        text.Append(command[i]);
                    }
                    i++;
                }
                if (i >= command.Length)
                {
                    throw new TemplateException($"template parsing error: unterminated quoted string in {{{{{action}}}}}");
                }
                i++;
                terms.Add(new LiteralTerm(text.ToString()));
                continue;
            }
            var end = i;
            while (end < command.Length && !char.IsWhiteSpace(command[end]))
            {
                end++;
            }
            var word = command[i..end];
            i = end;
            if (word.StartsWith('.'))
            {
                terms.Add(new FieldTerm(word == "." ? [] : word[1..].Split('.')));
            }
            else if (long.TryParse(word, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            {
                terms.Add(new LiteralTerm(word));
            }
            else if (word.All(c => char.IsLetterOrDigit(c) || c == '_'))
            {
                terms.Add(new FunctionTerm(word));
            }
            else
            {
                throw new TemplateException($"unsupported template syntax {{{{{action}}}}}: \"{word}\"");
            }
        }
        return terms;
    }

    /// <summary>A value in evaluation: a JSON element, a plain string (function results), or a missing field.</summary>
    public readonly record struct Value(JsonElement Element, string? Text = null, bool Missing = false)
    {
        public static Value Of(string text) => new(default, text);

        public string AsString() => Text ?? (Missing ? "" : Element.ValueKind == JsonValueKind.String ? Element.GetString() ?? "" : Format(this));
    }

    private abstract record Node;

    private sealed record TextNode(string Text) : Node;

    private sealed record PipelineNode(List<CommandNode> Commands) : Node
    {
        public IEnumerable<string> Fields => Commands.SelectMany(c => c.Arguments).OfType<FieldTerm>().Where(f => f.Path.Length > 0).Select(f => f.Path[0]);

        public Value Evaluate(JsonElement data)
        {
            Value? previous = null;
            foreach (var command in Commands)
            {
                previous = command.Evaluate(data, previous);
            }
            return previous!.Value;
        }
    }

    private sealed record CommandNode(string? Function, List<Term> Arguments)
    {
        public Value Evaluate(JsonElement data, Value? piped)
        {
            var arguments = Arguments.Select(a => a.Evaluate(data)).ToList();
            if (piped is { } p)
            {
                arguments.Add(p);
            }
            if (Function is null)
            {
                return arguments.Count == 1 ? arguments[0] : throw new TemplateException("template: a value can't be called with arguments");
            }
            return Functions.Call(Function, arguments);
        }
    }

    private abstract record Term
    {
        public abstract Value Evaluate(JsonElement data);
    }

    private sealed record LiteralTerm(string Text) : Term
    {
        public override Value Evaluate(JsonElement data) => Value.Of(Text);
    }

    private sealed record FunctionTerm(string Name) : Term
    {
        public override Value Evaluate(JsonElement data) => throw new TemplateException($"template: {Name} is a function, not a value");
    }

    private sealed record FieldTerm(string[] Path) : Term
    {
        public override Value Evaluate(JsonElement data)
        {
            var current = data;
            foreach (var name in Path)
            {
                if (current.ValueKind != JsonValueKind.Object || !TryGetField(current, name, out current))
                {
                    return new Value(default, Missing: true);
                }
            }
            return new Value(current);
        }

        private static bool TryGetField(JsonElement element, string name, out JsonElement value)
        {
            if (element.TryGetProperty(name, out value))
            {
                return true;
            }
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = property.Value;
                    return true;
                }
            }
            return false;
        }
    }
}

/// <summary>A --format template the engine's data cannot satisfy or that uses syntax this client does not have.</summary>
public sealed class TemplateException(string message) : Exception(message);
