using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CorralOS.Engine.Containers;

/// <summary>
/// Docker's syslog log driver over a local datagram socket (/dev/log, or `syslog-address=unixgram:///PATH`): each
/// line is one datagram, stdout at severity info and stderr at err, in RFC 3164 form as Docker sends to a unix
/// socket (`&lt;PRI&gt;Mmm dd hh:mm:ss TAG[PID]: MSG`) or RFC 5424 (`syslog-format=rfc5424`). The socket is
/// connected when the container starts, so a missing syslog fails the start as in Docker.
/// </summary>
public sealed class SyslogLog : LineLog
{
    private const int Info = 6;
    private const int Err = 3;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly int _facility;
    private readonly string _tag;
    private readonly bool _rfc5424;

    public SyslogLog(string socketPath, int facility, string tag, bool rfc5424)
    {
        (_facility, _tag, _rfc5424) = (facility, tag, rfc5424);
        try
        {
            _socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            _socket.Dispose();
            throw new InvalidArgumentException($"failed to initialize logging driver: dial unixgram {socketPath}: {e.Message}");
        }
    }

    protected override void Write(string stream, List<byte> line)
    {
        var text = Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\n');
        var priority = (_facility * 8 + (stream == "stderr" ? Err : Info)).ToString(CultureInfo.InvariantCulture);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var now = DateTimeOffset.Now;
        var message = _rfc5424
            ? $"<{priority}>1 {now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)} {Linux.HostName.Get()} {_tag} {pid} - - {text}"
            : $"<{priority}>{now.ToString("MMM", CultureInfo.InvariantCulture)} {now.Day.ToString(CultureInfo.InvariantCulture),2} {now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {_tag}[{pid}]: {text}";
        try
        {
            _socket.Send(Encoding.UTF8.GetBytes(message));
        }
        catch (SocketException)
        {
            // syslog went away or is full: the line is lost, the container runs on (as Docker's non-blocking mode).
        }
    }

    public override void Dispose() => _socket.Dispose();
}
