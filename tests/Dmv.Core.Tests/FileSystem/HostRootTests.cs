using Dmv.Core.FileSystem;

namespace Dmv.Core.Tests.FileSystem;

public class HostRootTests
{
    private static HostRoot Open(TempDirectory temp)
    {
        Assert.True(HostRoot.TryOpen(temp.Path, out HostRoot? root, out _));
        return root;
    }

    [Fact]
    public void An_absolute_link_target_resolves_inside_the_root()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/a/b/x.ko", "module");
        temp.Link("lib/modules/6.1/updates/x.ko", "/lib/modules/6.1/dmv/a/b/x.ko");
        HostRoot root = Open(temp);

        PathResolution result = root.Resolve("/lib/modules/6.1/updates/x.ko");

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(temp.Combine("lib/modules/6.1/dmv/a/b/x.ko"), result.RealPath);
    }

    [Fact]
    public void An_absolute_link_in_the_middle_of_a_path_stays_inside_the_root()
    {
        // Merged-/usr systems make /lib a link; an absolute one must not lead to this machine's /usr/lib.
        using var temp = new TempDirectory();
        temp.WriteFile("usr/lib/modules/6.1/modules.dep", "");
        temp.Link("lib", "/usr/lib");
        HostRoot root = Open(temp);

        PathResolution result = root.Resolve("/lib/modules/6.1/modules.dep");

        Assert.Equal(temp.Combine("usr/lib/modules/6.1/modules.dep"), result.RealPath);
    }

    [Fact]
    public void A_relative_link_that_climbs_out_is_refused()
    {
        using var temp = new TempDirectory();
        temp.Link("lib/modules/6.1/updates/x.ko", "../../../../../../../../etc/passwd");
        HostRoot root = Open(temp);

        PathResolution result = root.Resolve("/lib/modules/6.1/updates/x.ko");

        Assert.False(result.Succeeded);
        Assert.Equal(Errno.EXDEV, result.Errno);
        Assert.Contains("outside the root", result.Reason);
    }

    [Fact]
    public void A_link_loop_ends_in_ELOOP()
    {
        using var temp = new TempDirectory();
        temp.Link("a", "b");
        temp.Link("b", "/a");
        HostRoot root = Open(temp);

        PathResolution result = root.Resolve("/a");

        Assert.Equal(Errno.ELOOP, result.Errno);
    }

    [Fact]
    public void A_dangling_link_ends_in_ENOENT()
    {
        using var temp = new TempDirectory();
        temp.Link("a", "/nowhere/at/all");
        HostRoot root = Open(temp);

        Assert.Equal(Errno.ENOENT, root.Resolve("/a").Errno);
    }

    [Fact]
    public void Dot_dot_follows_the_resolved_target()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("real/dir/file", "x");
        temp.WriteFile("real/sibling", "y");
        temp.Link("shortcut", "/real/dir");
        HostRoot root = Open(temp);

        Assert.Equal(temp.Combine("real/sibling"), root.Resolve("/shortcut/../sibling").RealPath);
    }

    [Fact]
    public void Host_and_real_paths_convert_both_ways()
    {
        using var temp = new TempDirectory();
        HostRoot root = Open(temp);

        Assert.Equal(temp.Path + "/lib/modules", root.RealPathOf("/lib/modules"));
        Assert.Equal("/lib/modules", root.HostPathOf(temp.Path + "/lib/modules"));
        Assert.Equal("/", root.HostPathOf(temp.Path));
    }

    [Fact]
    public void A_failure_of_the_door_keeps_the_file_and_the_detail_apart()
    {
        // Reports that name the file their own way take the detail; nothing cuts a message apart.
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/x.ko/info.json", "{}");
        HostRoot root = Open(temp);
        string folder = temp.Combine("lib/modules/6.1/dmv/x.ko");

        Assert.False(root.TryOpenFile("/lib/modules/6.1/dmv/x.ko", out _, out var failure, expected: "module file"));
        Assert.Equal(Errno.EISDIR, failure.Errno);
        Assert.Equal(folder, failure.Path);
        Assert.Equal("a folder, not a module file", failure.Detail);
        Assert.Equal($"{folder}: a folder, not a module file", failure.Message);
        Assert.Equal("a folder, not a module file", failure.DetailAt(folder));

        // A report about another file keeps the whole message.
        Assert.Equal(failure.Message, failure.DetailAt(temp.Combine("lib/modules/6.1/dmv")));

        byte[] buffer = [];
        Assert.False(root.TryReadFile("/lib/modules/6.1/dmv/x.ko/info.json/more", 4096, ref buffer, out _, out failure));
        Assert.Equal(Errno.ENOTDIR, failure.Errno);
        Assert.Equal(temp.Combine("lib/modules/6.1/dmv/x.ko/info.json/more"), failure.Path);
    }

    [Fact]
    public void A_missing_root_is_refused()
    {
        Assert.False(HostRoot.TryOpen("/nonexistent/driver-tool/root", out _, out var failure));
        Assert.Equal(Errno.ENOENT, failure.Errno);
    }
}
