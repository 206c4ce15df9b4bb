namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 9: nothing outside --root is written, whatever links the managed tree holds. Each folder a
/// command reads or writes is replaced by a link leaving the root — absolute (re-rooted inside the
/// root) and climbing (refused or held at the root) — and every command that writes is run on it,
/// with openat2 and with the component walk that stands in for it on older kernels. A folder beside
/// the root must come out byte for byte as it went in, and no write-type system call may name it.
/// </summary>
public class ConfinementTests
{
    private const string K = "6.1.0-1-amd64";

    // Each place a command reads or writes, as a path inside the root.
    public static readonly string[] Places =
    [
        $"lib/modules/{K}/updates",
        $"lib/modules/{K}/dmv",
        $"lib/modules/{K}/dmv/ice",
        $"lib/modules/{K}/dmv/ice/generic",
        "var/lib/driver-tool",
        "var/lib",
        "etc/depmod.d",
        "etc/driver-tool/trusted-keys",
        "sys/module/ice/notes",
        $"lib/modules/{K}",
    ];

    private static readonly string[][] WritingCommands =
    [
        ["select", "ice", "generic", "--force"],
        ["deselect", "ice"],
        ["auto-select"],
        ["reconcile", "ice"],
        ["verify", "--repair"],
        ["-l"],
    ];

    public static TheoryData<string, bool, bool> Layouts()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (string place in Places)
        {
            foreach (bool absolute in new[] { true, false })
            {
                foreach (bool walk in new[] { false, true })
                {
                    data.Add(place, absolute, walk);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void No_command_changes_anything_outside_the_root(string place, bool absolute, bool walk)
    {
        using var sandbox = new Sandbox();
        sandbox.ReplaceWithLinkOutside(place, absolute);
        string before = sandbox.OutsideFingerprint();
        var environment = new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = sandbox.HookFolder };
        if (walk)
        {
            environment["DRIVER_TOOL_TEST_NO_OPENAT2"] = "1";
        }

        foreach (string[] command in WritingCommands)
        {
            string trace = Path.Combine(sandbox.Folder, "strace.log");
            ProcessResult result = ExternalCommand.Run(
                ["strace", "-f", "-qq", "-o", trace, "-e", "trace=%file,%desc", ToolPaths.SeamsDriverTool, "--root", sandbox.Root, "--lspci", sandbox.Lspci, .. command],
                environment);

            Contained.Assert(result, $"{string.Join(' ', command)} with {place} -> outside ({(absolute ? "absolute" : "climbing")})");
            foreach (string line in File.ReadLines(trace).Where(IsWrite))
            {
                Assert.False(line.Contains(sandbox.Outside, StringComparison.Ordinal), $"{string.Join(' ', command)} with {place}: a write names a path outside the root: {line}");
            }

            Assert.True(before == sandbox.OutsideFingerprint(), $"{string.Join(' ', command)} with {place} -> outside ({(absolute ? "absolute" : "climbing")}, {(walk ? "walk" : "openat2")}) changed the folder outside the root\n{result}");
        }
    }

    [Fact]
    public void Flipping_updates_between_a_folder_and_a_climbing_link_never_puts_a_link_outside()
    {
        using var sandbox = new Sandbox();
        string updates = sandbox.InRoot($"lib/modules/{K}/updates");
        string parked = updates + ".folder";
        string link = updates + ".link";
        Directory.Move(updates, parked);
        File.CreateSymbolicLink(link, "../../../../outside/updates");
        string before = sandbox.OutsideFingerprint();

        using var stop = new CancellationTokenSource();
        var flipper = new Thread(() =>
        {
            // updates is, in turn, the folder and the link (and for an instant neither).
            while (!stop.IsCancellationRequested)
            {
                TryMove(parked, updates);
                TryMove(updates, parked);
                TryMove(link, updates);
                TryMove(updates, link);
            }
        });
        flipper.Start();

        int switches = 0;
        try
        {
            for (int i = 0; i < 300; i++)
            {
                string variant = i % 2 == 0 ? "generic" : "dell";
                ProcessResult result = DriverTool.Run("--root", sandbox.Root, "--lspci", sandbox.Lspci, "select", "ice", variant, "--force", "--no-hooks");
                Assert.True(result.ExitCode is >= 0 and < 128, result.ToString());
                switches += result.ExitCode == 0 ? 1 : 0;
            }
        }
        finally
        {
            stop.Cancel();
            flipper.Join();
        }

        Assert.True(switches > 0, "no switch went through while updates/ was flipping");
        Assert.Equal(before, sandbox.OutsideFingerprint());
    }

    [Fact]
    public void The_lock_is_private_so_another_user_cannot_hold_it()
    {
        using var sandbox = new Sandbox();
        string lockFile = sandbox.InRoot("var/lib/driver-tool/lock");
        Directory.CreateDirectory(Path.GetDirectoryName(lockFile)!);
        File.WriteAllText(lockFile, "");
        File.SetUnixFileMode(lockFile, (UnixFileMode)0x1A4); // 0644, as earlier versions made it
        Assert.Equal(0, sandbox.Run("select", "ice", "generic", "--force", "--no-hooks").ExitCode);
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(lockFile));

        // flock(1) as nobody cannot even open it, so it cannot stall the next switch.
        ProcessResult held = ExternalCommand.Run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "flock", "-n", lockFile, "true"]);
        Assert.NotEqual(0, held.ExitCode);
        Assert.Equal(0, sandbox.Run("select", "ice", "dell", "--force", "--no-hooks", "--lock-timeout", "1").ExitCode);
    }

    [Fact]
    public void A_lock_file_of_another_user_is_refused_by_writers()
    {
        using var sandbox = new Sandbox();
        Assert.Equal(0, sandbox.Run("select", "ice", "generic", "--force", "--no-hooks").ExitCode);
        ExternalCommand.Check(["chown", "65534:65534", sandbox.InRoot("var/lib/driver-tool/lock")]);

        ProcessResult result = sandbox.Run("select", "ice", "dell", "--force", "--no-hooks");

        Assert.Equal(117, result.ExitCode);
        Assert.Contains("belongs to user 65534", result.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", new FileInfo(sandbox.InRoot($"lib/modules/{K}/updates/ice.ko")).LinkTarget);
    }

    [Theory]
    [InlineData("other-user", "belongs to user 65534")]
    [InlineData("world-writable-folder", "may be written by other users")]
    [InlineData("unknown-format", "format 2 is not one this driver-tool knows")]
    [InlineData("unknown-state", "unknown state 'rolling'")]
    [InlineData("null-change", "an element of 'changes' is not an object")]
    [InlineData("duplicate-key", "'state' appears twice")]
    [InlineData("two-journals", "unreadable journal")]
    [InlineData("nested-format", "format -1 is not one this driver-tool knows")]
    [InlineData("target-outside-dmv", "does not lie inside a folder of dmv/")]
    [InlineData("link-as-journal", "symbolic link")]
    [InlineData("foreign-folder", "is not the updates/ folder of kernel")]
    public void A_journal_driver_tool_did_not_write_is_never_applied(string forgery, string reason)
    {
        using var sandbox = new Sandbox();
        Assert.Equal(0, sandbox.Run("select", "ice", "generic", "--force", "--no-hooks").ExitCode);
        string state = sandbox.InRoot("var/lib/driver-tool");
        string journal = Path.Combine(state, "journal");
        string target = forgery == "target-outside-dmv" ? "/evilmods/evil.ko" : "../dmv/ice/dell/ice.ko";
        string updates = forgery == "foreign-folder" ? "/etc" : $"/lib/modules/{K}/updates";
        int format = forgery == "unknown-format" ? 2 : 1;
        string journalState = forgery == "unknown-state" ? "rolling" : "committed";
        string formatText = forgery == "nested-format" ? "{\"format\":1}" : format.ToString();
        string text = $$"""
            {"format":{{formatText}},"id":"1-1","state":"{{journalState}}","operation":"select","driver":"ice","variant":"dell","changes":[
            {"kernel":"{{K}}","updates":"{{updates}}","name":"ice.ko","old_target":"../dmv/ice/generic/ice.ko","new_target":"{{target}}","staged":".ice.ko.driver-tool-1-1","set_aside":null}]}
            """;
        text = forgery switch
        {
            "null-change" => text.Replace("\"changes\":[", "\"changes\":[null,"),
            "duplicate-key" => text.Replace("\"state\":\"committed\",", "\"state\":\"committed\",\"state\":\"prepared\","),
            "two-journals" => text + text,
            _ => text,
        };
        if (forgery == "link-as-journal")
        {
            File.WriteAllText(Path.Combine(sandbox.Folder, "elsewhere.json"), text);
            File.CreateSymbolicLink(journal, Path.Combine(sandbox.Folder, "elsewhere.json"));
        }
        else
        {
            File.WriteAllText(journal, text);
            File.SetUnixFileMode(journal, (UnixFileMode)0x180);
        }

        if (forgery == "other-user")
        {
            ExternalCommand.Check(["chown", "65534:65534", journal]);
        }

        if (forgery == "world-writable-folder")
        {
            File.SetUnixFileMode(state, (UnixFileMode)0x1FF);
        }

        ProcessResult listing = sandbox.Run("-l");
        Assert.Equal(0, listing.ExitCode);
        Assert.Contains(reason, listing.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", new FileInfo(sandbox.InRoot($"lib/modules/{K}/updates/ice.ko")).LinkTarget);

        ProcessResult select = sandbox.Run("select", "ice", "dell", "--force", "--no-hooks");
        Assert.Equal(117, select.ExitCode);
        Assert.Contains(reason, select.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", new FileInfo(sandbox.InRoot($"lib/modules/{K}/updates/ice.ko")).LinkTarget);
    }

    [Fact]
    public void A_switch_finished_by_recovery_writes_its_history_line_and_runs_its_hooks()
    {
        using var sandbox = new Sandbox();
        Assert.Equal(0, sandbox.Run("select", "ice", "generic", "--force", "--no-hooks").ExitCode);
        string history = sandbox.InRoot("var/lib/driver-tool/history.jsonl");
        int linesBefore = File.ReadAllLines(history).Length;

        // Crash after the commit mark (prepared, staged, decision recorded, committed): the journal says "committed". (A switch
        // made with --no-hooks is completed without them: TrustThirdRoundTests.)
        ProcessResult crashed = sandbox.RunWith(new() { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = "4", ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = sandbox.HookFolder }, "select", "ice", "dell", "--force");
        Assert.Equal(137, crashed.ExitCode);
        Assert.Contains("\"committed\"", File.ReadAllText(sandbox.InRoot("var/lib/driver-tool/journal")));

        ProcessResult listing = sandbox.RunWith(new() { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = sandbox.HookFolder }, "-l");

        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Contains("interrupted select of 'ice' was completed", listing.Stderr);
        Assert.Equal(linesBefore + 1, File.ReadAllLines(history).Length);
        Assert.Contains("\"variant\":\"dell\"", File.ReadAllLines(history)[^1]);
        Assert.Contains($"-a -b {sandbox.Root}", File.ReadAllText(sandbox.HookLog));
        Assert.EndsWith(K, File.ReadAllLines(sandbox.HookLog)[^1]);
    }

    [Fact]
    public void A_journal_temporary_left_by_a_crash_is_removed_by_the_next_command_and_is_no_problem_for_verify()
    {
        using var sandbox = new Sandbox();
        Assert.Equal(0, sandbox.Run("select", "ice", "generic", "--force", "--no-hooks").ExitCode);
        string temporary = sandbox.InRoot("var/lib/driver-tool/journal.tmp");
        File.WriteAllText(temporary, "{\"format\":1,\"id\":");

        ProcessResult verify = sandbox.Run("verify");

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.DoesNotContain("journal", verify.Stdout);
        Assert.False(File.Exists(temporary));
    }

    [Fact]
    public void State_files_are_created_with_fixed_modes_whatever_the_umask()
    {
        using var sandbox = new Sandbox();
        ProcessResult result = ExternalCommand.Run(["sh", "-c", $"umask 000; exec {ToolPaths.DriverTool} --root {sandbox.Root} --lspci {sandbox.Lspci} select ice generic --force --no-hooks"]);
        Assert.True(result.ExitCode == 0, result.ToString());

        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(sandbox.InRoot("var/lib/driver-tool")));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(sandbox.InRoot("var/lib/driver-tool/lock")));
        Assert.Equal((UnixFileMode)0x1A4 & ~(UnixFileMode)0x12, File.GetUnixFileMode(sandbox.InRoot("var/lib/driver-tool/history.jsonl")) & ~(UnixFileMode)0x12);
        Assert.False(File.GetUnixFileMode(sandbox.InRoot("var/lib/driver-tool/history.jsonl")).HasFlag(UnixFileMode.OtherWrite));
    }

    [Fact]
    public void Kernel_folders_named_like_options_are_reported_and_never_handed_to_depmod()
    {
        using var sandbox = new Sandbox();
        foreach (string name in new[] { "--basedir=.", "-v" })
        {
            Directory.CreateDirectory(sandbox.InRoot($"lib/modules/{name}/dmv/ice/generic"));
            File.Copy(sandbox.InRoot($"lib/modules/{K}/dmv/ice/generic/info.json"), sandbox.InRoot($"lib/modules/{name}/dmv/ice/generic/info.json"));
            File.Copy(sandbox.InRoot($"lib/modules/{K}/dmv/ice/generic/ice.ko"), sandbox.InRoot($"lib/modules/{name}/dmv/ice/generic/ice.ko"));
        }

        ProcessResult result = sandbox.RunWith(new() { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = sandbox.HookFolder }, "select", "ice", "generic", "--force");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("must not start with '-'", result.Stderr);
        string[] calls = File.ReadAllLines(sandbox.HookLog);
        Assert.Equal([$"-a -b {sandbox.Root} -C {sandbox.Root}/etc/depmod.d {K}"], calls);
        Assert.False(Directory.Exists(sandbox.InRoot("lib/modules/-v/updates")));
    }

    [Fact]
    public void Depmod_is_not_run_where_a_link_would_lead_it_out_of_the_root()
    {
        using var sandbox = new Sandbox();
        sandbox.ReplaceWithLinkOutside($"lib/modules/{K}", absolute: true);
        string moved = sandbox.InRoot($"lib/modules/{K}.moved");
        string inRootTarget = sandbox.InRoot(sandbox.Outside.TrimStart('/') + "/" + K);
        Directory.CreateDirectory(Path.GetDirectoryName(inRootTarget)!);
        Directory.Move(moved, inRootTarget);

        ProcessResult result = sandbox.RunWith(new() { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = sandbox.HookFolder }, "select", "ice", "generic", "--force");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("leads out of the root", result.Stdout);
        Assert.False(File.Exists(sandbox.HookLog), "depmod ran although lib/modules/K is a link");
    }

    [Fact]
    public void Verify_repair_never_removes_a_link_into_someone_elses_dmv_folder()
    {
        using var sandbox = new Sandbox();
        string updates = sandbox.InRoot($"lib/modules/{K}/updates");
        File.CreateSymbolicLink(Path.Combine(updates, "foreign.ko"), "/opt/vendor/dmv/pkg/v1/foreign.ko");

        ProcessResult result = sandbox.Run("verify", "--repair");

        Assert.True(new FileInfo(Path.Combine(updates, "foreign.ko")).LinkTarget is not null, result.ToString());
        Assert.Contains("not a DMV link", result.Stdout);
    }

    [Fact]
    public void A_folder_above_the_state_folder_that_others_may_write_is_refused()
    {
        using var sandbox = new Sandbox();
        File.SetUnixFileMode(sandbox.InRoot("var/lib"), (UnixFileMode)0x1FF);

        ProcessResult result = sandbox.Run("select", "ice", "generic", "--force", "--no-hooks");

        Assert.Equal(117, result.ExitCode);
        Assert.Contains("who could replace driver-tool's state folder", result.Stderr);
        Assert.Null(new FileInfo(sandbox.InRoot($"lib/modules/{K}/updates/ice.ko")).LinkTarget);
    }

    [Fact]
    public void Control_characters_in_a_name_reach_the_terminal_escaped()
    {
        using var sandbox = new Sandbox();
        Directory.CreateDirectory(sandbox.InRoot("lib/modules/6.9.0[31mRED"));

        ProcessResult result = sandbox.Run("-l");

        Assert.DoesNotContain("", result.Stderr);
        Assert.Contains("\\x1b[31mRED", result.Stderr);
    }

    [Fact]
    public void Hooks_are_not_found_through_PATH()
    {
        using var sandbox = new Sandbox();
        string marker = Path.Combine(sandbox.Folder, "path-depmod-ran");
        string bin = Path.Combine(sandbox.Folder, "path-bin");
        Directory.CreateDirectory(bin);
        File.WriteAllText(Path.Combine(bin, "depmod"), $"#!/bin/sh\ntouch {marker}\n");
        File.SetUnixFileMode(Path.Combine(bin, "depmod"), (UnixFileMode)0x1ED);

        ProcessResult result = sandbox.RunWith(new() { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") }, "select", "ice", "generic", "--force", "--no-initrd");

        Assert.True(result.ExitCode is 0 or 5, result.ToString());
        Assert.False(File.Exists(marker), "depmod was taken from PATH");
        Assert.Contains("/sbin/depmod", result.Stdout);
    }

    private static bool IsWrite(string line) =>
        line.Contains("symlink", StringComparison.Ordinal) || line.Contains("rename", StringComparison.Ordinal)
        || line.Contains("unlink", StringComparison.Ordinal) || line.Contains("mkdir", StringComparison.Ordinal)
        || line.Contains("O_CREAT", StringComparison.Ordinal) || line.Contains("O_WRONLY", StringComparison.Ordinal)
        || line.Contains("O_RDWR", StringComparison.Ordinal) || line.Contains("chmod", StringComparison.Ordinal)
        || line.Contains("truncate", StringComparison.Ordinal);

    private static void TryMove(string from, string to)
    {
        try
        {
            if (Directory.Exists(from) && new FileInfo(from).LinkTarget is null)
            {
                Directory.Move(from, to);
            }
            else
            {
                File.Move(from, to);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// A folder holding the root and, beside it, "outside": a copy of every place in the root with a
    /// foreign module in each, which a confined command must never change.
    /// </summary>
    private sealed class Sandbox : IDisposable
    {
        private readonly HandTree _tree;

        public Sandbox()
        {
            Folder = Path.Combine(Path.GetTempPath(), "dmv-confine-" + Guid.NewGuid().ToString("N")[..10]);
            Root = Path.Combine(Folder, "root");
            Outside = Path.Combine(Folder, "outside");
            _tree = new HandTree(Root)
                .Variant(K, "ice", "generic", ["ice.ko"])
                .Variant(K, "ice", "dell", ["ice.ko"], subVendor: "1028", priority: "40");
            _tree.File("sys/module/ice/notes/.note.XenServer", "");
            Directory.CreateDirectory(InRoot("etc/driver-tool/trusted-keys"));
            Directory.CreateDirectory(InRoot("var/lib/driver-tool"));
            foreach (string place in Places)
            {
                string copy = Path.Combine(Outside, Path.GetFileName(place));
                Directory.CreateDirectory(copy);
                File.WriteAllText(Path.Combine(copy, "ice.ko"), "foreign module outside the root");
                File.WriteAllText(Path.Combine(copy, "lock"), "");
                File.WriteAllText(Path.Combine(copy, "driver-tool.conf"), "outside\n");
            }

            HookFolder = Path.Combine(Folder, "hooks");
            Directory.CreateDirectory(HookFolder);
            HookLog = Path.Combine(Folder, "depmod.log");
            FakeDepmod.Write(HookFolder, "", HookLog);
        }

        public string Folder { get; }

        public string Root { get; }

        public string Outside { get; }

        public string HookFolder { get; }

        public string HookLog { get; }

        public string Lspci => _tree.LspciFile;

        public string InRoot(string relative) => Path.Combine(Root, relative);

        public ProcessResult Run(params string[] args) => _tree.Run(args);

        public ProcessResult RunWith(Dictionary<string, string> environment, params string[] args) => _tree.RunWith(environment, args);

        /// <summary>Moves a place of the root away and puts a link leaving the root in its stead.</summary>
        public void ReplaceWithLinkOutside(string place, bool absolute)
        {
            string path = InRoot(place);
            if (Directory.Exists(path))
            {
                Directory.Move(path, path + ".moved");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string copy = Path.Combine(Outside, Path.GetFileName(place));
            int depth = place.Split('/').Length;
            File.CreateSymbolicLink(path, absolute ? copy : string.Concat(Enumerable.Repeat("../", depth)) + "outside/" + Path.GetFileName(place));
        }

        public string OutsideFingerprint() => Contained.Fingerprint(Outside);

        public void Dispose()
        {
            _tree.Dispose();
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
