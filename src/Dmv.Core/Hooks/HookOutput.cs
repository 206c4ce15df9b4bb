namespace Dmv.Core.Hooks;

/// <summary>
/// A hook's exit status is not the whole truth: depmod exits 0 after printing
/// "depmod: ERROR: fstatat(4, ice.ko): …" for a module it could not index. Its output is judged line
/// by line, against the links the switch itself wrote in that kernel: an ERROR about one of them,
/// an ERROR about no module file at all, or a FATAL line fails the hook (the switch did not leave
/// the kernel's index right); an ERROR about another module file (a foreign or inherited link the
/// switch did not write) and WARNING lines make it "warnings", which <c>verify</c> then explains.
/// </summary>
public static class HookOutput
{
    /// <param name="ownFiles">The file names of the module links the switch wrote in the hook's kernel; null when
    /// errors cannot be told apart by file (dracut, weak-modules): then every ERROR fails the hook.</param>
    public static (HookStatus Status, string? Problem) Judge(string output, IReadOnlyCollection<string>? ownFiles)
    {
        string? warning = null;
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (line.Contains("FATAL", StringComparison.Ordinal))
            {
                return (HookStatus.Failed, line);
            }

            if (line.Contains("ERROR", StringComparison.Ordinal))
            {
                if (ownFiles is null || NamesAny(line, ownFiles) || !NamesModuleFile(line))
                {
                    return (HookStatus.Failed, line);
                }

                warning ??= line;
            }
            else if (line.Contains("WARNING", StringComparison.Ordinal))
            {
                warning ??= line;
            }
        }

        return warning is null ? (HookStatus.Ok, null) : (HookStatus.Warnings, warning);
    }

    /// <summary>How many lines of the output carry an ERROR, FATAL or WARNING.</summary>
    public static int ProblemLines(string? output) =>
        (output ?? "").Split('\n').Count(static l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("FATAL", StringComparison.Ordinal) || l.Contains("WARNING", StringComparison.Ordinal));

    private static bool NamesAny(string line, IReadOnlyCollection<string> files)
    {
        foreach (string file in files)
        {
            for (int at = line.IndexOf(file, StringComparison.Ordinal); at >= 0; at = line.IndexOf(file, at + 1, StringComparison.Ordinal))
            {
                if ((at == 0 || !IsNameCharacter(line[at - 1])) && (at + file.Length == line.Length || !IsNameCharacter(line[at + file.Length])))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static bool NamesModuleFile(string line)
    {
        foreach (string extension in (string[])[".ko", ".ko.gz", ".ko.xz", ".ko.zst"])
        {
            for (int at = line.IndexOf(extension, StringComparison.Ordinal); at >= 0; at = line.IndexOf(extension, at + 1, StringComparison.Ordinal))
            {
                int end = at + extension.Length;
                if (at > 0 && IsNameCharacter(line[at - 1]) && (end == line.Length || !IsNameCharacter(line[end]) || line[end] == '.'))
                {
                    return true;
                }
            }
        }

        return false;
    }

    // What a module file name is made of; a "/" before it is a folder, a ")" or ":" after it ends it.
    private static bool IsNameCharacter(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '+';
}
