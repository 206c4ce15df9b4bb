using System.Diagnostics;
using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>A switch that cannot be written fails with the errno and leaves the tree as it was.</summary>
public class WriteFailureTests
{
    private const string K = "6.1.0-1-amd64";

    private static HandTree Populate(string root)
    {
        HandTree tree = new HandTree(root).Variant(K, "multi", "a", ["x.ko", "y.ko"]).Variant(K, "multi", "b", ["x.ko", "w.ko"]);
        Assert.Equal(0, tree.Run("select", "multi", "a", "--no-hooks").ExitCode);
        return tree;
    }

    [Fact]
    public void A_read_only_root_is_EROFS_and_still_lists()
    {
        using var mount = new TmpfsMount("size=4m");
        HandTree tree = Populate(mount.Path);
        mount.RemountReadOnly();

        ProcessResult result = tree.Run("select", "multi", "b", "--no-hooks");

        Assert.Equal(30, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
        Assert.Contains("Read-only file system", result.Stderr);
        Assert.Equal("../dmv/multi/a/x.ko", tree.LinkTarget(K, "x.ko"));
        ProcessResult listing = tree.Run("-l");
        Assert.Equal(0, listing.ExitCode);
        ContractChecker.AssertAccepted("list", listing.Stdout);
        File.Delete(tree.LspciFile);
    }

    [Fact]
    public void A_full_disk_is_ENOSPC_and_the_tree_stays_on_the_old_variant()
    {
        using var mount = new TmpfsMount("size=256k,nr_inodes=400");
        HandTree tree = Populate(mount.Path);
        // Fill what is left: first the blocks, then the inodes.
        string filler = Path.Combine(mount.Path, "filler");
        Directory.CreateDirectory(filler);
        TmpfsMount.Run("dd", "if=/dev/zero", $"of={filler}/blocks", "bs=4k", "count=1000");
        for (int i = 0; i < 1000 && TmpfsMount.Run("touch", $"{filler}/i{i}").ExitCode == 0; i++)
        {
        }

        ProcessResult result = tree.Run("select", "multi", "b", "--no-hooks");

        Assert.Equal(28, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
        Assert.Equal("../dmv/multi/a/x.ko", tree.LinkTarget(K, "x.ko"));
        Assert.Equal("../dmv/multi/a/y.ko", tree.LinkTarget(K, "y.ko"));

        Directory.Delete(filler, recursive: true);
        ProcessResult verify = tree.Run("verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Equal(0, tree.Run("select", "multi", "b", "--no-hooks").ExitCode);
        File.Delete(tree.LspciFile);
    }

    [Fact]
    public void A_held_lock_makes_a_second_writer_give_up_with_EBUSY()
    {
        using HandTree tree = Populate(Path.Combine(Path.GetTempPath(), "dmv-lock-" + Guid.NewGuid().ToString("N")[..8]));
        var holder = new ProcessStartInfo("flock") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { tree.Path("var/lib/driver-tool/lock"), "sh", "-c", "echo held; exec sleep 60" })
        {
            holder.ArgumentList.Add(arg);
        }

        using Process held = Process.Start(holder)!;
        try
        {
            // flock prints nothing until it holds the lock: the line says the lock is taken, no guessed pause.
            Assert.Equal("held", held.StandardOutput.ReadLine());

            // The holder keeps it for a minute: an answer (EBUSY) at all shows the wait was bounded.
            ProcessResult result = tree.Run("select", "multi", "b", "--no-hooks", "--lock-timeout", "0.5");

            Assert.Equal(16, result.ExitCode);
            ContractChecker.AssertAccepted("error", result.Stdout);
            Assert.Contains("another driver-tool", result.Stderr);
        }
        finally
        {
            // Whatever failed above, the holder does not outlive the test.
            held.Kill(entireProcessTree: true);
            held.WaitForExit();
        }

        Assert.Equal(0, tree.Run("select", "multi", "b", "--no-hooks").ExitCode);
    }
}
