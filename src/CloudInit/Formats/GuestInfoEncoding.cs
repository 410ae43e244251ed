using System.IO.Compression;
using System.Text;

namespace CorralOS.CloudInit.Formats;

/// <summary>
/// The encodings a guestinfo value may carry, named in its NAME.encoding companion (cloud-init's guestinfo.userdata.encoding,
/// RancherOS's guestinfo.cloud-init.data.encoding): none, base64 (b64), gzip+base64 (gz+b64).
/// </summary>
internal static class GuestInfoEncoding
{
    public static byte[] Decode(string value, string? encoding, string source, string name)
    {
        switch (encoding?.Trim().ToLowerInvariant())
        {
            case null or "":
                return Encoding.UTF8.GetBytes(value);
            case "base64" or "b64":
                return Base64(value, source, name);
            case "gzip+base64" or "gz+b64":
                try
                {
                    using var input = new GZipStream(new MemoryStream(Base64(value, source, name)), CompressionMode.Decompress);
                    using var output = new MemoryStream();
                    input.CopyTo(output);
                    return output.ToArray();
                }
                catch (InvalidDataException e)
                {
                    throw new DatasourceException(source, $"guestinfo.{name}: not valid gzip data ({e.Message})", e);
                }
            default:
                throw new DatasourceException(source, $"guestinfo.{name}.encoding: unknown encoding '{encoding}' (base64 or gzip+base64)");
        }
    }

    private static byte[] Base64(string value, string source, string name)
    {
        try
        {
            return Convert.FromBase64String(value.Trim());
        }
        catch (FormatException e)
        {
            throw new DatasourceException(source, $"guestinfo.{name}: not valid base64", e);
        }
    }
}
