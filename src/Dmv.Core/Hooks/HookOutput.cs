namespace Dmv.Core.Hooks;

/// <summary>
/// A hook's exit status is not the whole truth: depmod exits 0 after printing
/// "depmod: ERROR: fstatat(4, ice.ko): …" for a module it could not index. Its output is judged line
/// by line. A FATAL line, or an ERROR about no module file, fails the hook. An ERROR about a module
/// file is, for depmod, a warning: whether the links the switch wrote were indexed is checked in
/// modules.dep itself (a name alone cannot tell the switch's updates/ice.ko from a stray extra/ice.ko),
/// and <c>verify</c> explains the rest; for other tools every ERROR fails. WARNING lines make it "warnings".
/// </summary>
internal static class HookOutput
{
    /// <param name="indexChecked">depmod: the switch's own links are checked in the index it wrote, so an ERROR about a module file is not about them.</param>
    public static (HookStatus Status, string? Problem) Judge(string output, bool indexChecked)
    {
        string? warning = null;
        foreach (string raw in output.Split('\n'))
        {
            string line = raw.Trim();
            if (IsLevel(line, "FATAL"))
            {
                return (HookStatus.Failed, line);
            }

            if (IsLevel(line, "ERROR"))
            {
                if (!indexChecked || !NamesModuleFile(line))
                {
                    return (HookStatus.Failed, line);
                }

                warning ??= line;
            }
            else if (IsLevel(line, "WARNING"))
            {
                warning ??= line;
            }
        }

        return warning is null ? (HookStatus.Ok, null) : (HookStatus.Warnings, warning);
    }

    /// <summary>How many lines of the output carry an ERROR, FATAL or WARNING.</summary>
    public static int ProblemLines(string? output) =>
        (output ?? "").Split('\n').Count(static l => IsLevel(l, "ERROR") || IsLevel(l, "FATAL") || IsLevel(l, "WARNING"));

    /// <summary>"depmod: ERROR: …", "ERROR: …", "dracut: FATAL: …": the level as a word followed by a colon, not part of a file name.</summary>
    private static bool IsLevel(string line, string level)
    {
        for (int at = line.IndexOf(level, StringComparison.Ordinal); at >= 0; at = line.IndexOf(level, at + 1, StringComparison.Ordinal))
        {
            int end = at + level.Length;
            if ((at == 0 || line[at - 1] == ' ') && end < line.Length && line[end] == ':')
            {
                return true;
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
