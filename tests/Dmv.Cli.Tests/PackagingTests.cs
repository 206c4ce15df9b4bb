using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Dmv.Cli.Tests;

/// <summary>The RPM that `make test` builds (make rpm) with the real rpmbuild, installed with the real rpm; the man page and completion.</summary>
public class PackagingTests
{
    private static string Version => Regex.Match(File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "Directory.Build.props")), "<Version[^>]*>([^<]+)</Version>").Groups[1].Value;

    private static string Package
    {
        get
        {
            string path = Path.Combine(ToolPaths.RepositoryRoot, $"build/dist/driver-tool-{Version}-1.x86_64.rpm");
            Assert.True(File.Exists(path), $"{path} is missing: `make test` builds it with `make rpm` first");
            return path;
        }
    }

    private static ProcessResult Run(params string[] command) => ExternalCommand.Run(command);

    [Fact]
    public void The_package_holds_exactly_the_intended_files()
    {
        ProcessResult listing = Run("rpm", "-qlp", Package);

        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Equal(
            [
                "/etc/driver-tool",
                "/etc/driver-tool/trusted-keys",
                "/usr/lib/depmod.d/driver-tool.conf",
                "/usr/lib/dracut/modules.d/90driver-tool",
                "/usr/lib/dracut/modules.d/90driver-tool/driver-tool-boot.sh",
                "/usr/lib/dracut/modules.d/90driver-tool/module-setup.sh",
                "/usr/lib/driver-tool",
                "/usr/lib/driver-tool/grub",
                "/usr/lib/driver-tool/grub/driver-tool-trial.cfg",
                "/usr/lib/rpm/macros.d/macros.driver-tool",
                "/usr/lib/systemd/system/driver-tool-trial-confirm.service",
                "/usr/lib/systemd/system/driver-tool-trial-settle.service",
                "/usr/lib/systemd/system/multi-user.target.wants/driver-tool-trial-confirm.service",
                "/usr/lib/systemd/system/sysinit.target.wants/driver-tool-trial-settle.service",
                "/usr/lib/systemd/system/xapi-init-complete.target.wants",
                "/usr/lib/systemd/system/xapi-init-complete.target.wants/driver-tool-trial-confirm.service",
                "/usr/sbin/driver-tool",
                "/usr/share/bash-completion/completions/driver-tool",
                "/usr/share/licenses/driver-tool/LICENSE",
                "/usr/share/man/man8/driver-tool.8.gz",
                "/var/lib/driver-tool",
            ],
            listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/usr/share/licenses/driver-tool/LICENSE", Run("rpm", "-qp", "--licensefiles", Package).Stdout);
    }

    [Fact]
    public void The_executable_is_a_stripped_position_independent_binary_under_5_MiB_with_no_library_search_path()
    {
        string binary = ToolPaths.DriverTool;
        ProcessResult header = Run("readelf", "-h", "-d", "-S", "-W", binary);

        Assert.True(header.ExitCode == 0, header.ToString());
        Assert.Matches(@"Type:\s+DYN \(Position-Independent Executable file\)", header.Stdout);
        Assert.Contains("(FLAGS_1)", header.Stdout);
        Assert.Contains("PIE", header.Stdout);
        // No RUNPATH/RPATH: with one, the loader looks for libc and libm beside the binary first.
        Assert.DoesNotContain("RUNPATH", header.Stdout);
        Assert.DoesNotContain("(RPATH)", header.Stdout);
        Assert.DoesNotContain(".symtab", header.Stdout);
        long size = new FileInfo(binary).Length;
        Assert.True(size <= 5 * 1024 * 1024, $"{binary} is {size} bytes, over the 5 MiB budget");
    }

    [Fact]
    public void Installed_into_a_scratch_root_it_runs_there()
    {
        using var tree = new HandTree();
        tree.Variant("6.1.0-1-amd64", "ice", "generic", ["ice.ko"]);
        Assert.Equal(0, Run("rpm", "--root", tree.Root, "--initdb").ExitCode);
        ProcessResult install = Run("rpm", "--root", tree.Root, "--nodeps", "-i", Package);
        Assert.True(install.ExitCode == 0, install.ToString());

        string binary = tree.Path("usr/sbin/driver-tool");
        Assert.True((File.GetUnixFileMode(binary) & UnixFileMode.UserExecute) != 0);
        ProcessResult listing = Run(binary, "--root", tree.Root, "--lspci", tree.LspciFile, "-l");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        ContractChecker.AssertAccepted("list", listing.Stdout);
        Assert.Contains("\"ice\"", listing.Stdout);
        Assert.Equal($"driver-tool {Version}\n", Run(binary, "--version").Stdout);
        Assert.Equal("exclude dmv", File.ReadAllLines(tree.Path("usr/lib/depmod.d/driver-tool.conf")).Last());
    }

    [Fact]
    public void A_driver_package_selects_on_install_keeps_the_selection_on_upgrade_and_deselects_on_removal()
    {
        const string Kernel = "6.1.0-1-amd64";
        InScratchSystem(Kernel, (root, work) =>
        {
            string[] packages = [BuildExample(work, Kernel, "1.0", oemFolder: ""), BuildExample(work, Kernel, "2.0", oemFolder: "drivers/net/")];
            string updates = $"lib/modules/{Kernel}/updates";

            ProcessResult install = Run("rpm", "--root", root.Root, "--nodeps", "-i", packages[0]);
            Assert.True(install.ExitCode == 0, install.ToString());
            Assert.Equal("../dmv/example-nic/oem/ice.ko", root.LinkTarget(Kernel, "ice.ko"));
            Assert.Equal(0, root.Run("verify").ExitCode);

            ProcessResult upgrade = Run("rpm", "--root", root.Root, "--nodeps", "-U", packages[1]);
            Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
            Assert.Equal("../dmv/example-nic/oem/drivers/net/ice.ko", root.LinkTarget(Kernel, "ice.ko"));
            Assert.Equal(0, root.Run("verify").ExitCode);

            ProcessResult erase = Run("rpm", "--root", root.Root, "--nodeps", "-e", "example-nic-dmv");
            Assert.True(erase.ExitCode == 0, erase.ToString());
            Assert.True(Directory.GetFileSystemEntries(root.Path(updates)).Length == 0, erase.ToString());
            Assert.False(File.Exists(root.Path("var/lib/driver-tool/pending")));
            Assert.Equal(0, root.Run("verify").ExitCode);
            string[] history = File.ReadAllLines(root.Path("var/lib/driver-tool/history.jsonl"));
            // auto-selected on install, re-pointed at the moved file on upgrade, unlinked on removal.
            Assert.Equal(["auto-select", "re-point", "unlink"], history.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("operation").GetString()));
        });
    }

    [Fact]
    public void Erasing_driver_tool_with_a_driver_package_still_deselects_the_driver()
    {
        // What `dnf remove driver-tool` does: the driver package goes first (it requires driver-tool),
        // then driver-tool, whose %preun reconciles while its binary is still there.
        const string Kernel = "6.1.0-1-amd64";
        InScratchSystem(Kernel, (root, work) =>
        {
            ProcessResult install = Run("rpm", "--root", root.Root, "--nodeps", "-i", BuildExample(work, Kernel, "1.0", oemFolder: ""));
            Assert.True(install.ExitCode == 0, install.ToString());
            Assert.Equal("../dmv/example-nic/oem/ice.ko", root.LinkTarget(Kernel, "ice.ko"));

            ProcessResult erase = Run("rpm", "--root", root.Root, "--nodeps", "-e", "example-nic-dmv", "driver-tool");
            Assert.True(erase.ExitCode == 0, erase.ToString());
            Assert.False(File.Exists(root.Path("usr/sbin/driver-tool")));
            Assert.Empty(Directory.GetFileSystemEntries(root.Path($"lib/modules/{Kernel}/updates")));
            Assert.False(File.Exists(root.Path("var/lib/driver-tool/pending")));
            Assert.Equal(0, root.Run("verify").ExitCode);
        });
    }

    [Fact]
    public void A_failing_reconcile_in_the_transaction_is_reported_not_silent()
    {
        const string Kernel = "6.1.0-1-amd64";
        InScratchSystem(Kernel, (root, work) =>
        {
            // updates/ is a regular file: no selection can be made there.
            root.File($"lib/modules/{Kernel}/updates", "not a folder");
            ProcessResult install = Run("rpm", "--root", root.Root, "--nodeps", "-i", BuildExample(work, Kernel, "1.0", oemFolder: ""));
            Assert.True(install.ExitCode == 0, install.ToString());
            Assert.True(install.Stderr.Contains("warning: driver-tool reconcile --pending failed (exit status "), install.ToString());
            // The scriptlets print driver-tool's table (one line per driver), never its JSON.
            Assert.Matches("FAILED example-nic: .*updates: Not a directory", install.Stdout);
            Assert.DoesNotContain("{", install.Stdout);
            Assert.Equal("not a folder", File.ReadAllText(root.Path($"lib/modules/{Kernel}/updates")));
        });
    }

    [Fact]
    public void Installing_the_package_writes_again_a_modules_dep_that_indexes_dmv()
    {
        const string Kernel = "6.1.0-1-amd64";
        // Laid out as an EL9 system: /lib is /usr/lib, so depmod reads the package's /usr/lib/depmod.d.
        using var root = new HandTree();
        Directory.CreateDirectory(root.Path("usr/lib"));
        root.Link("lib", "usr/lib");
        root.Variant(Kernel, "ice", "generic", ["ice.ko"]);
        // Before driver-tool is installed there is no "exclude dmv": depmod indexed the variants.
        File.Delete(root.Path("etc/depmod.d/driver-tool.conf"));
        ExternalCommand.Check(["depmod", "-a", "-b", root.Root, "-C", root.Path("etc/depmod.d"), Kernel]);
        Assert.Contains("dmv/ice/generic/ice.ko:", File.ReadAllText(root.Path($"lib/modules/{Kernel}/modules.dep")));
        // The system's depmod (kmod, with its libraries), as an installed system has it.
        SystemTools.CopyInto(root.Root, "/bin/kmod", "/usr/sbin/depmod");
        Assert.Equal(0, Run("rpm", "--root", root.Root, "--initdb").ExitCode);

        ProcessResult install = Run("rpm", "--root", root.Root, "--nodeps", "-i", Package);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains($"driver-tool: {Kernel}: modules.dep listed the variants under dmv/", install.Stdout);
        string index = File.ReadAllText(root.Path($"lib/modules/{Kernel}/modules.dep"));
        Assert.DoesNotContain("dmv/", index);
    }

    [Fact]
    public void The_packages_own_scriptlet_passes_over_odd_kernel_folders_and_odd_index_files()
    {
        using var root = new HandTree();
        foreach (string kernel in new[] { "--", "6.1.0-fifo", "6.1.0-folder" })
        {
            Directory.CreateDirectory(root.Path($"lib/modules/{kernel}"));
        }

        root.File("lib/modules/--/modules.dep", "dmv/x/y/x.ko:\n");
        ExternalCommand.Check(["mkfifo", root.Path("lib/modules/6.1.0-fifo/modules.dep")]);
        Directory.CreateDirectory(root.Path("lib/modules/6.1.0-folder/modules.dep"));
        SystemTools.CopyInto(root.Root, "/bin/kmod", "/usr/sbin/depmod");
        Assert.Equal(0, Run("rpm", "--root", root.Root, "--initdb").ExitCode);

        // A FIFO read would wait for ever: the bound here is the test's.
        ProcessResult install = ExternalCommand.Run(["rpm", "--root", root.Root, "--nodeps", "-i", Package], timeoutSeconds: 60);

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.DoesNotContain("running depmod", install.Stdout);
        Assert.Equal("dmv/x/y/x.ko:\n", File.ReadAllText(root.Path("lib/modules/--/modules.dep")));
    }

    /// <summary>Runs <paramref name="test"/> on a scratch system (see <see cref="PrepareScratchSystem"/>) with a work folder for packages.</summary>
    private static void InScratchSystem(string kernel, Action<HandTree, string> test)
    {
        string work = Path.Combine(Path.GetTempPath(), "dmv-rpm-" + Guid.NewGuid().ToString("N")[..8]);
        using var root = new HandTree();
        try
        {
            PrepareScratchSystem(root, kernel);
            test(root, work);
        }
        finally
        {
            if (Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    /// <summary>A scratch system: driver-tool's package, the C library its binary needs for the chrooted scriptlets, one matching NIC.</summary>
    private static void PrepareScratchSystem(HandTree root, string kernel)
    {
        Assert.Equal(0, Run("rpm", "--root", root.Root, "--initdb").ExitCode);
        ProcessResult tool = Run("rpm", "--root", root.Root, "--nodeps", "-i", Package);
        Assert.True(tool.ExitCode == 0, tool.ToString());
        foreach (string library in new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/lib64/ld-linux-x86-64.so.2" })
        {
            Directory.CreateDirectory(root.Path(Path.GetDirectoryName(library)!));
            File.Copy(new FileInfo(library).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? library, root.Path(library));
        }

        root.File("sys/bus/pci/devices/0000:01:00.0/uevent", "PCI_ID=8086:1592\nPCI_SUBSYS_ID=1028:0001\n");
        Directory.CreateDirectory(root.Path($"lib/modules/{kernel}"));
    }

    /// <summary>rpm/examples/example-nic-dmv.spec built with rpmbuild around two variants of real small modules.</summary>
    private static string BuildExample(string work, string kernel, string version, string oemFolder)
    {
        string payload = Path.Combine(work, "payload-" + version);
        foreach ((string variant, string folder, string priority, string subVendor) in new[] { ("generic", "", "10", "*"), ("oem", oemFolder, "40", "1028") })
        {
            string directory = Path.Combine(payload, $"lib/modules/{kernel}/dmv/example-nic/{variant}");
            Directory.CreateDirectory(Path.Combine(directory, folder));
            File.WriteAllText(Path.Combine(directory, "info.json"), $$$"""
                {"category": "network", "name": "example-nic", "description": "Example NIC", "variant": "{{{variant}}}",
                 "version": "{{{version}}}", "priority": {{{priority}}}, "status": "production",
                 "pci_ids": {"ice.ko": [{"vendor_id": "8086", "device_id": "1592", "subvendor_id": "{{{subVendor}}}", "subdevice_id": "*"}]}}
                """);
            File.WriteAllBytes(Path.Combine(directory, folder, "ice.ko"), Dmv.Fixtures.ElfModuleWriter.Write(new Dmv.Fixtures.ElfModuleWriter.Module(
                Dmv.Fixtures.NoteWriter.XenServerVariant(variant), [new("name", "ice"), new("vermagic", $"{kernel} SMP mod_unload modversions ")], [])));
        }

        string top = Path.Combine(work, "rpmbuild");
        ProcessResult build = Run("rpmbuild", "-bb", "--quiet", "--load", Path.Combine(ToolPaths.RepositoryRoot, "dist/rpm/macros.driver-tool"),
            "--define", $"_topdir {top}", "--define", $"payload {payload}", "--define", $"pkg_version {version}",
            Path.Combine(ToolPaths.RepositoryRoot, "rpm/examples/example-nic-dmv.spec"));
        Assert.True(build.ExitCode == 0, build.ToString());
        return Path.Combine(top, $"RPMS/x86_64/example-nic-dmv-{version}-1.x86_64.rpm");
    }

    [Fact]
    public void The_macros_stop_a_package_build_that_forgets_the_drivers_name()
    {
        string macros = Path.Combine(ToolPaths.RepositoryRoot, "dist/rpm/macros.driver-tool");
        foreach (string macro in new[] { "driver_tool_post", "driver_tool_postun" })
        {
            ProcessResult forgotten = Run("rpm", "--load", macros, "--eval", $"%{{{macro}}}");
            Assert.Equal(1, forgotten.ExitCode);
            Assert.Contains("need the driver's name", forgotten.Stderr);

            ProcessResult named = Run("rpm", "--load", macros, "--eval", $"%{{{macro} example-nic}}");
            Assert.True(named.ExitCode == 0, named.ToString());
            Assert.Contains("pending:write(\"example-nic\\n\")", named.Stdout);
        }
    }

    [Fact]
    public void Staging_refuses_a_folder_that_is_not_empty_and_leaves_it_alone()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dmv-stage-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllText(Path.Combine(folder, "keep"), "data");
            ProcessResult stage = Run(Path.Combine(ToolPaths.RepositoryRoot, "scripts/stage.sh"), folder, "1.0", ToolPaths.DriverTool);
            Assert.Equal(1, stage.ExitCode);
            Assert.Contains($"stage: {folder} is not empty", stage.Stderr);
            Assert.Equal(["keep"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_man_page_names_every_command_and_option_of_the_help()
    {
        string man = File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "dist/man/driver-tool.8")).Replace("\\-", "-").Replace("\\fB", "").Replace("\\fR", "").Replace("\\fI", "");
        string help = DriverTool.Run("--help").Stdout;

        var options = Regex.Matches(help, @"(?<![\w-])--[a-z][a-z-]+").Select(m => m.Value).Distinct().ToList();
        var commands = new[] { "list", "select", "deselect", "auto-select", "verify", "reconcile", "inspect", "explain", "kernels" };
        Assert.True(options.Count > 15, string.Join(' ', options));
        NonEmpty.All(options, option => Assert.Contains(option, man));
        NonEmpty.All(commands, command =>
        {
            Assert.Contains(command, man);
            Assert.Equal(0, DriverTool.Run(command, "--help").ExitCode);
        });
        ProcessResult rendered = Run("man", "--warnings", "-l", "-Tutf8", Path.Combine(ToolPaths.RepositoryRoot, "dist/man/driver-tool.8"));
        Assert.True(rendered.ExitCode == 0 && !rendered.Stderr.Contains("warning"), rendered.Stderr);
    }

    [Fact]
    public void Bash_completion_offers_commands_drivers_and_variants()
    {
        using HandTree tree = new HandTree().Variant("6.1.0-1-amd64", "ice", "generic", ["ice.ko"]).Variant("6.1.0-1-amd64", "ice", "dell", ["ice.ko"]);
        // What the package installs: the script the binary prints from its option table.
        string completion = tree.Beside("completion") + "/driver-tool";
        File.WriteAllText(completion, DriverTool.Run("completion", "bash").Stdout);
        string Complete(string line)
        {
            string script = $"""
                source /usr/share/bash-completion/bash_completion
                source {completion}
                COMP_LINE='{line}'; COMP_POINT=${"{"}#COMP_LINE{"}"}
                read -r -a COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${"{"}#COMP_WORDS[@]{"}"} - 1 ))
                _driver_tool driver-tool "${"{"}COMP_WORDS[COMP_CWORD]{"}"}" "${"{"}COMP_WORDS[COMP_CWORD-1]{"}"}"
                printf '%s\n' "${"{"}COMPREPLY[@]{"}"}" | sort
                """;
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.Environment["PATH"] = Path.GetDirectoryName(ToolPaths.DriverTool) + ":" + Environment.GetEnvironmentVariable("PATH");
            return DriverTool.Execute(start, null).Stdout.Trim();
        }

        Assert.Equal("select", Complete("driver-tool sel"));
        Assert.Equal("deselect", Complete("driver-tool de"));
        Assert.Equal("ice", Complete($"driver-tool --root {tree.Root} select "));
        Assert.Equal("dell\ngeneric", Complete($"driver-tool --root {tree.Root} select ice "));
        Assert.Equal("dell\ngeneric", Complete($"driver-tool --root {tree.Root} -s -n ice -v "));
        Assert.Contains("--no-hooks", Complete("driver-tool select --no"));
        Assert.Equal("reconcile", Complete("driver-tool rec"));
        Assert.Equal("ice", Complete($"driver-tool --root {tree.Root} reconcile "));
        Assert.Equal("--pending", Complete("driver-tool reconcile --pen"));
        Assert.Equal("6.1.0-1-amd64", Complete($"driver-tool --root={tree.Root} --kernel "));
        Assert.Equal("--include-deselected", Complete("driver-tool auto-select --incl"));
        Assert.Equal("dell\ngeneric", Complete($"driver-tool --root={tree.Root} select ice "));
        Assert.Equal("", Complete($"driver-tool --root {tree.Root} select ice dell --no-hooks "));
        Assert.Equal("ice", Complete($"driver-tool --root {tree.Root} history "));
        Assert.Equal("--limit", Complete("driver-tool history --lim"));
        Assert.Equal("confirm", Complete("driver-tool trial con"));
        Assert.Equal("--tries", Complete("driver-tool select ice dell --trial --trie"));
        Assert.Equal("1\n2\n3\n4\n5\n6\n7\n8\n9", Complete("driver-tool select ice dell --trial --tries "));
        Assert.Equal("enforce\noff\nwarn", Complete("driver-tool select ice dell --signatures "));
        // Every long option of the parser's table is offered, and nothing else.
        string[] offered = Complete("driver-tool --").Split('\n');
        Assert.Equal(Dmv.Cli.CommandLine.ArgumentParser.LongOptions.Order(StringComparer.Ordinal), offered.Order(StringComparer.Ordinal));
    }
}
