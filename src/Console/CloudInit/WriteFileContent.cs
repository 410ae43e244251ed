using System.IO.Compression;
using System.Text;

namespace CorralOS.Console.CloudInit;

/// <summary>The bytes a write_files entry stands for, by its encoding (reference §3.1).</summary>
public static class WriteFileContent
{
    public static byte[] Decode(string? content, string? encoding)
    {
        content ??= "";
        switch ((encoding ?? "").Trim().ToLowerInvariant())
        {
            case "":
            case "text/plain":
                return Encoding.UTF8.GetBytes(content);
            case "b64":
            case "base64":
                return FromBase64(content);
            case "gz":
            case "gzip":
                return Gunzip(Encoding.Latin1.GetBytes(content));
            case "gz+b64":
            case "gz+base64":
            case "gzip+b64":
            case "gzip+base64":
                return Gunzip(FromBase64(content));
            default:
                throw new FormatException($"unknown encoding '{encoding}' (b64, base64, gz, gzip, gz+b64, gz+base64, gzip+b64, gzip+base64)");
        }
    }

    private static byte[] FromBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
        }
        catch (FormatException)
        {
            throw new FormatException("content is not valid base64");
        }
    }

    private static byte[] Gunzip(byte[] compressed)
    {
        try
        {
            using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
            using var output = new MemoryStream();
            input.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException)
        {
            throw new FormatException("content is not valid gzip data");
        }
    }
}
