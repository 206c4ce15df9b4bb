namespace Dmv.Core.Kernels;

/// <summary>
/// What a kernel release name may be before driver-tool uses it anywhere: a folder name under
/// /lib/modules that is also handed to depmod and dracut as an argument, so it must not start with
/// '-' (it would be read as an option), hold a '/', or any control character.
/// </summary>
internal static class KernelRelease
{
    /// <summary>Null when <paramref name="release"/> is usable; otherwise why not.</summary>
    public static string? Problem(string release)
    {
        if (release.Length == 0)
        {
            return "the kernel release is empty";
        }

        if (release is "." or "..")
        {
            return "not a kernel release";
        }

        if (release[0] == '-')
        {
            return "a kernel release must not start with '-' (a program would read it as an option)";
        }

        if (release.Length > 255)
        {
            return "the kernel release is longer than 255 characters";
        }

        foreach (char c in release)
        {
            if (c == '/' || char.IsControl(c))
            {
                return c == '/' ? "a kernel release must not contain '/'" : "a kernel release must not contain control characters";
            }
        }

        return null;
    }
}
