using System.Buffers.Binary;
using System.Runtime.InteropServices;
using CorralOS.Network.Interop;

namespace CorralOS.Network.Netlink;

/// <summary>
/// A NETLINK_ROUTE socket in the calling process's network namespace. Requests are sent one at a time and acknowledged
/// (NLM_F_ACK), so an error belongs to the request that caused it.
/// </summary>
internal sealed unsafe class RouteSocket : IDisposable
{
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly int _fd;
    private uint _sequence;

    public RouteSocket()
    {
        _fd = Libc.socket(Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
        if (_fd < 0)
        {
            throw new NetlinkException(Marshal.GetLastPInvokeError());
        }
    }

    public void Dispose() => Libc.close(_fd);

    /// <summary>Sends a change request and waits for its acknowledgement; throws the kernel's errno.</summary>
    public void Request(NetlinkMessage message)
    {
        var sequence = Send(message, NetlinkConstants.NLM_F_ACK);
        foreach (var _ in Receive(sequence))
        {
            // A change request answers with the acknowledgement only; Receive stops there.
        }
    }

    /// <summary>Sends a dump request; returns each answer's type and body (after the nlmsghdr).</summary>
    public List<(ushort Type, byte[] Body)> Dump(NetlinkMessage message)
    {
        var sequence = Send(message, 0);
        return [.. Receive(sequence)];
    }

    private uint Send(NetlinkMessage message, ushort extraFlags)
    {
        var sequence = ++_sequence;
        var bytes = message.Build(sequence);
        if (extraFlags != 0)
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)(flags | extraFlags));
        }
        fixed (byte* p = bytes)
        {
            while (Libc.send(_fd, p, (nuint)bytes.Length, 0) < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno != Libc.EINTR)
                {
                    throw new NetlinkException(errno);
                }
            }
        }
        return sequence;
    }

    private nint ReceiveInto(byte[] buffer)
    {
        fixed (byte* p = buffer)
        {
            return Libc.recv(_fd, p, (nuint)buffer.Length, 0);
        }
    }

    private IEnumerable<(ushort Type, byte[] Body)> Receive(uint sequence)
    {
        var buffer = new byte[ReceiveBufferSize];
        while (true)
        {
            var length = ReceiveInto(buffer);
            if (length < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EINTR)
                {
                    continue;
                }
                throw new NetlinkException(errno);
            }
            var offset = 0;
            var multi = false;
            while (offset + NetlinkConstants.NlmsghdrSize <= length)
            {
                var header = buffer.AsSpan(offset);
                var messageLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(header);
                var type = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
                var flags = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
                var messageSequence = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
                if (messageLength < NetlinkConstants.NlmsghdrSize || offset + messageLength > length)
                {
                    throw new NetlinkException(71); // EPROTO: a truncated message
                }
                var body = buffer.AsSpan(offset + NetlinkConstants.NlmsghdrSize, messageLength - NetlinkConstants.NlmsghdrSize).ToArray();
                offset += (messageLength + 3) & ~3;
                if (messageSequence != sequence)
                {
                    continue; // a late answer to an earlier request
                }
                multi |= (flags & NetlinkConstants.NLM_F_MULTI) != 0;
                switch (type)
                {
                    case NetlinkConstants.NLMSG_DONE:
                        yield break;
                    case NetlinkConstants.NLMSG_ERROR:
                        var error = BinaryPrimitives.ReadInt32LittleEndian(body);
                        if (error != 0)
                        {
                            throw new NetlinkException(-error);
                        }
                        yield break; // the acknowledgement
                    default:
                        yield return (type, body);
                        break;
                }
            }
            if (!multi)
            {
                yield break;
            }
        }
    }
}
