namespace Dmv.Cli.Tests;

/// <summary>Removes a test's scratch folder whatever the test did to it: modes taken away, links, immutable files.</summary>
public static class Scratch
{
    public static void Delete(string path)
    {
        if (!Directory.Exists(path) && !File.Exists(path))
        {
            return;
        }

        // A test may have left a file immutable (chattr +i) or a folder without permissions: undo both first.
        if (File.Exists("/usr/bin/chattr"))
        {
            ExternalCommand.Run(["chattr", "-R", "-i", "-a", path]);
        }

        ExternalCommand.Run(["chmod", "-R", "u+rwX", path]);
        ExternalCommand.Run(["rm", "-rf", "--one-file-system", path]);
    }
}
