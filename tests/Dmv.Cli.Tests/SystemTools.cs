using System.Text.RegularExpressions;

namespace Dmv.Cli.Tests;

/// <summary>Programs of this machine put into a test's scratch root with the libraries they need, as an installed system has them.</summary>
public static class SystemTools
{
    /// <summary>Copies <paramref name="program"/> to <paramref name="destination"/> inside <paramref name="root"/>, with every library ldd names and the loader.</summary>
    public static void CopyInto(string root, string program, string destination)
    {
        string target = Path.Combine(root, destination.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(program, target, overwrite: true);
        foreach (Match library in Regex.Matches(ExternalCommand.Check(["ldd", program]).Stdout, @"(/\S+\.so[.0-9]*)"))
        {
            string path = library.Groups[1].Value;
            string copy = Path.Combine(root, path.TrimStart('/'));
            if (!File.Exists(copy))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path, copy);
            }
        }
    }
}
