namespace Dmv.Core.Modules;

/// <summary>Module names as the kernel knows them.</summary>
internal static class ModuleName
{
    private static readonly string[] FileSuffixes = [".ko.zst", ".ko.xz", ".ko.gz", ".ko"];

    /// <summary>
    /// The name under /sys/module for a module file: the suffix dropped and '-' turned into '_',
    /// because the kernel shows foo-bar.ko as /sys/module/foo_bar.
    /// </summary>
    public static string KernelName(string moduleFile)
    {
        string name = Path.GetFileName(moduleFile);
        foreach (string suffix in FileSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        return name.Replace('-', '_');
    }

    /// <summary>True when the file name is a kernel module (compressed or not).</summary>
    public static bool IsModuleFile(string fileName)
    {
        foreach (string suffix in FileSuffixes)
        {
            if (fileName.EndsWith(suffix, StringComparison.Ordinal) && fileName.Length > suffix.Length)
            {
                return true;
            }
        }

        return false;
    }
}
