
namespace Dmv.Core.Trial;

/// <summary>
/// What <c>trial enable</c> changes in grub.cfg, and how a trial checks it is there: one line that
/// sources driver-tool's block before the first menu entry, and <c>${dt_args}</c> at the end of
/// every dom0 kernel line — in an entry with a hypervisor (<c>multiboot2</c>, <c>xen_hypervisor</c>)
/// the first <c>module2</c>/<c>xen_module</c> after it; in a plain entry its <c>linux</c> line;
/// never the hypervisor's line or the initrd's. Lines are changed as text, in place, so everything
/// else stays byte for byte; XenServer's own writer (python-libs' <c>Bootloader.readGrub2</c> and
/// <c>writeGrub2</c>) keeps lines before a menu entry and a kernel line's arguments as text, so
/// both survive its rewrites.
/// </summary>
internal static class GrubConfig
{
    public const string BlockName = "driver-tool-trial.cfg";
    public const string SourceLine = "source $prefix/" + BlockName;
    public const string ArgsWord = "${dt_args}";

    /// <summary>grub.cfg with the hook added (the text itself when it is already there); null with the reason when it has no menu entry.</summary>
    public static string? Prepare(string text, out string? problem)
    {
        List<string> lines = Lines(text);
        int first = lines.FindIndex(IsEntryStart);
        if (first < 0)
        {
            problem = "it has no menu entry";
            return null;
        }

        problem = null;
        int source = lines.FindIndex(l => l.Trim() == SourceLine);
        if (source > first)
        {
            lines.RemoveAt(source);
            source = -1;
        }

        if (source < 0)
        {
            lines.Insert(first, SourceLine);
        }

        foreach (int kernel in KernelLines(lines).Select(static k => k.Line))
        {
            if (!lines[kernel].Contains(ArgsWord, StringComparison.Ordinal))
            {
                lines[kernel] = lines[kernel].TrimEnd() + " " + ArgsWord;
            }
        }

        return Join(lines);
    }

    /// <summary>grub.cfg without the hook: the source line and every " ${dt_args}" removed.</summary>
    public static string Unprepare(string text)
    {
        List<string> lines = Lines(text);
        lines.RemoveAll(l => l.Trim() == SourceLine);
        for (int i = 0; i < lines.Count; i++)
        {
            lines[i] = lines[i].Replace(" " + ArgsWord, "", StringComparison.Ordinal).Replace(ArgsWord, "", StringComparison.Ordinal);
        }

        return Join(lines);
    }

    /// <summary>What keeps the boot loader from counting a trial, one reason a string; empty when grub.cfg is prepared.</summary>
    public static List<string> Problems(string text)
    {
        var problems = new List<string>();
        List<string> lines = Lines(text);
        int first = lines.FindIndex(IsEntryStart);
        int source = lines.FindIndex(l => l.Trim() == SourceLine);
        if (first < 0)
        {
            problems.Add("it has no menu entry");
            return problems;
        }

        if (source < 0)
        {
            problems.Add($"it does not source driver-tool's block ('{SourceLine}')");
        }
        else if (source > first)
        {
            problems.Add("it sources driver-tool's block after the first menu entry");
        }

        var entries = KernelLines(lines);
        if (entries.Count == 0)
        {
            problems.Add("no menu entry has a dom0 kernel line");
        }

        foreach ((string title, int line) in entries)
        {
            if (!lines[line].Contains(ArgsWord, StringComparison.Ordinal))
            {
                problems.Add($"the kernel line of menu entry '{title}' lacks {ArgsWord}");
            }
        }

        return problems;
    }

    /// <summary>Per menu entry, its title and the index of its dom0 kernel line.</summary>
    private static List<(string Title, int Line)> KernelLines(List<string> lines)
    {
        var found = new List<(string, int)>();
        string? title = null;
        bool hypervisor = false;
        bool done = false;
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (IsEntryStart(lines[i]))
            {
                title = Title(line);
                hypervisor = false;
                done = false;
            }
            else if (title is not null && line == "}")
            {
                title = null;
            }
            else if (title is not null && !done)
            {
                string word = FirstWord(line);
                if (word is "multiboot2" or "xen_hypervisor" or "multiboot")
                {
                    hypervisor = true;
                }
                else if ((hypervisor && word is "module2" or "xen_module" or "module")
                    || (!hypervisor && word is "linux" or "linuxefi" or "linux16"))
                {
                    found.Add((title, i));
                    done = true;
                }
            }
        }

        return found;
    }

    private static bool IsEntryStart(string line) => FirstWord(line.Trim()) == "menuentry";

    private static string FirstWord(string line)
    {
        int end = line.IndexOfAny([' ', '\t']);
        return end < 0 ? line : line[..end];
    }

    private static string Title(string line)
    {
        string rest = line["menuentry".Length..].TrimStart();
        if (rest.Length > 0 && rest[0] is '\'' or '"')
        {
            int close = rest.IndexOf(rest[0], 1);
            if (close > 0)
            {
                return rest[1..close];
            }
        }

        return FirstWord(rest);
    }

    // Split keeps a final empty element for a text ending in a newline, and Join puts the ending back as it was.
    private static List<string> Lines(string text) => [.. text.Split('\n')];

    private static string Join(List<string> lines) => string.Join('\n', lines);
}
