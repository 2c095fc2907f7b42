using System.Globalization;

namespace Axle.Bench.Load;

/// <summary>CPU time (user + system) a process has used so far, from <c>/proc/&lt;pid&gt;/stat</c>; null when unreadable.</summary>
internal static class ServerCpu
{
    // USER_HZ: the unit of utime and stime; 100 on every mainstream Linux build.
    private const double TicksPerSecond = 100;

    public static double? Milliseconds(int? pid)
    {
        if (pid is not { } p)
        {
            return null;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{p}/stat");
            // Fields after the parenthesised command name (which may contain spaces): state is field 3, utime 14, stime 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks * 1000 / TicksPerSecond;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
