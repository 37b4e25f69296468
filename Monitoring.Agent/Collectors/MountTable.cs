using System.Text;
using Monitoring.Contracts;

namespace Monitoring.Agent.Collectors;

/// <summary>One mounted file system worth reporting.</summary>
internal sealed record MountEntry(string MountPoint, string Device, string FsType);

/// <summary>The real file systems in <c>/proc/self/mountinfo</c>, one entry per file system, within the server's <see cref="SampleLimits"/>.</summary>
internal static class MountTable
{
    /// <summary>Kernel and container file systems that hold no data of their own, or live in memory.</summary>
    private static readonly HashSet<string> PseudoTypes = new(StringComparer.Ordinal)
    {
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts", "devtmpfs", "efivarfs",
        "erofs", "fusectl", "hugetlbfs", "iso9660", "mqueue", "nsfs", "overlay", "proc", "pstore", "ramfs", "rpc_pipefs",
        "securityfs", "selinuxfs", "squashfs", "sysfs", "tmpfs", "tracefs", "nfsd", "aufs",
    };

    /// <summary>Network file systems: statvfs on one whose server is gone blocks, and one dead server must never stall the sample.</summary>
    private static readonly HashSet<string> NetworkTypes = new(StringComparer.Ordinal)
    {
        "nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "9p", "afs", "ceph", "glusterfs", "lustre", "davfs",
    };

    public static IReadOnlyList<MountEntry> Parse(TextReader mountinfo)
    {
        var byDevice = new Dictionary<string, (MountEntry Entry, bool IsWholeFileSystem)>(StringComparer.Ordinal);
        while (mountinfo.ReadLine() is { } line)
        {
            var fields = line.Split(' ');
            var separator = fields.Length < 7 ? -1 : Array.IndexOf(fields, "-", 6);
            if (separator < 0 || separator + 2 >= fields.Length)
            {
                throw new FormatException("A line of /proc/self/mountinfo does not have the mountinfo layout.");
            }

            var fsType = fields[separator + 1];
            if (!IsReal(fsType))
            {
                continue;
            }

            var entry = new MountEntry(Unescape(fields[4]), Unescape(fields[separator + 2]), fsType);
            if (entry.MountPoint.Length > SampleLimits.MaxMountPathLength || entry.Device.Length > SampleLimits.MaxMountDeviceLength || fsType.Length > SampleLimits.MaxFsTypeLength)
            {
                continue;
            }

            var isWholeFileSystem = fields[3] == "/";

            // A bind mount shows the same device again: keep the mount of the file system's own root, else the shortest path.
            var device = fields[2];
            if (!byDevice.TryGetValue(device, out var kept)
                || (isWholeFileSystem && !kept.IsWholeFileSystem)
                || (isWholeFileSystem == kept.IsWholeFileSystem && entry.MountPoint.Length < kept.Entry.MountPoint.Length))
            {
                byDevice[device] = (entry, isWholeFileSystem);
            }
        }

        return [.. byDevice.Values.Select(v => v.Entry).OrderBy(e => e.MountPoint, StringComparer.Ordinal).Take(SampleLimits.MaxMounts)];
    }

    private static bool IsReal(string fsType) =>
        !PseudoTypes.Contains(fsType)
        && !NetworkTypes.Contains(fsType)
        && !(fsType.StartsWith("fuse.", StringComparison.Ordinal) || fsType == "fuse");

    /// <summary>The kernel writes space, tab, newline and backslash in paths as three-digit octal escapes.</summary>
    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }

        var text = new StringBuilder(field.Length);
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                text.Append((char)(((field[i + 1] - '0') << 6) | ((field[i + 2] - '0') << 3) | (field[i + 3] - '0')));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();

        static bool IsOctal(char c) => c is >= '0' and <= '7';
    }
}
