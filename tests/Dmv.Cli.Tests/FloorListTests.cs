using System.Diagnostics;
using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>
/// bench/floor/floor-list.c is the reference driver-tool -l is timed against (bench/ratios.sh); a
/// ratio means something only while both do the same work, so the floor must print the very same
/// bytes as driver-tool on generated trees. Built with the system's cc (make setup installs gcc).
/// </summary>
public class FloorListTests
{
    private static readonly Lazy<string> FloorList = new(Build);

    [Theory]
    [InlineData(5, 2, 8, 3, 12, true)]
    [InlineData(1, 3, 60, 3, 80, true)]
    [InlineData(11, 4, 25, 9, 30, false)]
    public void Floor_list_prints_the_same_bytes_as_driver_tool(int seed, int kernels, int drivers, int variants, int devices, bool sysfs)
    {
        using var tree = new GeneratedTree(new HostTreeSpec { Seed = seed, Kernels = kernels, Drivers = drivers, VariantsPerDriver = variants, PciDevices = devices, WithSysfs = sysfs });

        (int toolExit, byte[] tool) = Stdout(ToolPaths.DriverTool, "--root", tree.Root, "-l");
        (int floorExit, byte[] floor) = Stdout(FloorList.Value, "--root", tree.Root, "-l");

        Assert.Equal(0, toolExit);
        Assert.Equal(0, floorExit);
        Assert.True(tool.Length > 100, $"driver-tool printed only {tool.Length} bytes");
        int first = FirstDifference(tool, floor);
        Assert.True(first < 0, first < 0 ? "" : $"the outputs differ at byte {first}:\n driver-tool: {Around(tool, first)}\n floor-list:  {Around(floor, first)}");
    }

    private static string Build()
    {
        string source = Path.Combine(ToolPaths.RepositoryRoot, "bench/floor/floor-list.c");
        string output = Path.Combine(Path.GetTempPath(), "dmv-floor-list-" + Guid.NewGuid().ToString("N")[..12]);
        ProcessResult result = ExternalCommand.Run(["cc", "-O2", "-Wall", "-o", output, source]);
        Assert.True(result.ExitCode == 0, $"cc could not build {source} (make setup installs gcc): {result}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(output);
        return output;
    }

    /// <summary>A program's exit status and its standard output as bytes, undecoded.</summary>
    private static (int Exit, byte[] Stdout) Stdout(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} did not finish in 60 s");
        }

        copy.Wait();
        _ = stderr.Result;
        return (process.ExitCode, stdout.ToArray());
    }

    private static int FirstDifference(byte[] left, byte[] right)
    {
        int common = Math.Min(left.Length, right.Length);
        for (int i = 0; i < common; i++)
        {
            if (left[i] != right[i])
            {
                return i;
            }
        }

        return left.Length == right.Length ? -1 : common;
    }

    private static string Around(byte[] bytes, int index)
    {
        int start = Math.Max(0, index - 60);
        return System.Text.Encoding.UTF8.GetString(bytes, start, Math.Min(bytes.Length, index + 60) - start);
    }
}
