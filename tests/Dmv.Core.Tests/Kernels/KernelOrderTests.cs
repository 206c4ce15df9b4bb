using Dmv.Core.Kernels;

namespace Dmv.Core.Tests.Kernels;

public class KernelOrderTests
{
    [Theory]
    [InlineData("6.1.0-10-amd64", "6.1.0-9-amd64")]
    [InlineData("5.10.0", "5.9.0")]
    [InlineData("4.19.0+1", "4.19.0")]
    [InlineData("6.6.0-2.xs9", "6.6.0-1.xs9")]
    [InlineData("10.0", "9.99")]
    public void Newer_compares_greater(string newer, string older)
    {
        Assert.True(KernelVersionComparer.Instance.Compare(newer, older) > 0);
        Assert.True(KernelVersionComparer.Instance.Compare(older, newer) < 0);
    }

    [Fact]
    public void Running_kernel_first_then_newest_first()
    {
        // Defect 6: xcp.dmv used directory order, so "first kernel wins" was random.
        var releases = new List<string> { "5.10.0-9", "6.1.0-2", "4.19.0+1", "6.1.0-10" };

        releases.Sort((a, b) => InstalledKernels.CompareBootOrder(a, b, runningRelease: "5.10.0-9"));

        Assert.Equal(["5.10.0-9", "6.1.0-10", "6.1.0-2", "4.19.0+1"], releases);
    }
}
