namespace Dmv.Cli.Tests;

/// <summary>
/// A stand-in depmod for the test build's DRIVER_TOOL_TEST_HOOK_FOLDER: it writes modules.dep anew,
/// indexing updates/, as the real one does (driver-tool checks that it did), then runs the test's script.
/// </summary>
public static class FakeDepmod
{
    /// <summary>Writes the stand-in into <paramref name="folder"/>; <paramref name="then"/> is shell run after the index is written.</summary>
    public static void Write(string folder, string then, string? log = null)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "depmod");
        File.WriteAllText(path, $$"""
            #!/bin/sh
            {{(log is null ? "" : $"echo \"$@\" >> {log}")}}
            root= kernel=
            for arg; do case $prev in -b) root=$arg ;; -C) ;; *) case $arg in -*) ;; *) kernel=$arg ;; esac ;; esac; prev=$arg; done
            dir=$root/lib/modules/$kernel
            if [ -d "$dir" ]; then
              for f in "$dir"/updates/*.ko; do [ -e "$f" ] || [ -L "$f" ] && echo "updates/${f##*/}:"; done > "$dir/modules.dep.fake" 2>/dev/null
              mv -f "$dir/modules.dep.fake" "$dir/modules.dep" 2>/dev/null
            fi
            {{then}}

            """);
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
    }
}
