using System.Buffers.Binary;
using System.Text;

namespace CorralOS.Network.Netlink;

/// <summary>
/// Builds one request: the nlmsghdr, the family header (ifinfomsg, ifaddrmsg, rtmsg) and rtattr attributes, each
/// padded to 4 bytes as NLMSG_ALIGN/RTA_ALIGN do. Nested attributes are opened and closed around their children.
/// </summary>
internal sealed class NetlinkMessage
{
    private readonly List<byte> _bytes = new(256);
    private readonly Stack<int> _nests = new();

    public NetlinkMessage(ushort type, ushort flags)
    {
        U32(0); // length, patched in Build
        U16(type);
        U16(flags);
        U32(0); // sequence, set by the socket
        U32(0); // port id: the kernel's
    }

    public NetlinkMessage U8(byte value)
    {
        _bytes.Add(value);
        return this;
    }

    public NetlinkMessage U16(ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public NetlinkMessage U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        _bytes.AddRange(b);
        return this;
    }

    public NetlinkMessage I32(int value) => U32(unchecked((uint)value));

    public NetlinkMessage Attribute(ushort type, ReadOnlySpan<byte> payload)
    {
        U16((ushort)(NetlinkConstants.RtattrSize + payload.Length));
        U16(type);
        _bytes.AddRange(payload);
        Pad();
        return this;
    }

    public NetlinkMessage AttributeU32(ushort type, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        return Attribute(type, b);
    }

    public NetlinkMessage AttributeU16(ushort type, ushort value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        return Attribute(type, b);
    }

    /// <summary>A NUL-terminated string, as the kernel expects for names and kinds.</summary>
    public NetlinkMessage AttributeString(ushort type, string value) => Attribute(type, Encoding.ASCII.GetBytes(value + "\0"));

    public NetlinkMessage BeginNested(ushort type)
    {
        _nests.Push(_bytes.Count);
        U16(0);
        U16(type);
        return this;
    }

    public NetlinkMessage EndNested()
    {
        var start = _nests.Pop();
        Patch16(start, (ushort)(_bytes.Count - start));
        return this;
    }

    public byte[] Build(uint sequence)
    {
        var bytes = _bytes.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)bytes.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), sequence);
        return bytes;
    }

    private void Pad()
    {
        while (_bytes.Count % 4 != 0)
        {
            _bytes.Add(0);
        }
    }

    private void Patch16(int offset, ushort value)
    {
        _bytes[offset] = (byte)value;
        _bytes[offset + 1] = (byte)(value >> 8);
    }
}
