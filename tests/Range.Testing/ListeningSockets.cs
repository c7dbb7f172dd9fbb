using System.Globalization;
using System.Net;

namespace RangeOrleans.Testing;

/// <summary>The TCP sockets a process listens on, read from Linux' /proc (its socket inodes matched against /proc/net/tcp{,6} rows in LISTEN).</summary>
public static class ListeningSockets
{
    public static List<IPEndPoint> Of(int pid)
    {
        var inodes = Directory.GetFiles($"/proc/{pid}/fd").Select(fd => new FileInfo(fd).LinkTarget)
            .Where(t => t is not null && t.StartsWith("socket:[", StringComparison.Ordinal)).Select(t => t![8..^1]).ToHashSet();
        return new[] { $"/proc/{pid}/net/tcp", $"/proc/{pid}/net/tcp6" }.SelectMany(File.ReadLines)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 9 && f[3] == "0A" && inodes.Contains(f[9]))
            .Select(f => Endpoint(f[1])).Distinct().ToList();
    }

    // "0100007F:1F90": the address's bytes in the kernel's order (each 32-bit word little-endian), then the port in hex.
    private static IPEndPoint Endpoint(string field)
    {
        var (hex, port) = (field.Split(':')[0], int.Parse(field.Split(':')[1], NumberStyles.HexNumber));
        var bytes = Convert.FromHexString(hex);
        for (int word = 0; word < bytes.Length; word += 4) Array.Reverse(bytes, word, 4);
        return new IPEndPoint(new IPAddress(bytes), port);
    }
}
