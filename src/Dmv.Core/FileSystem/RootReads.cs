namespace Dmv.Core.FileSystem;

/// <summary>
/// The root folder held open for a run of reads inside it (<see cref="HostRoot.OpenForReads"/>):
/// one open and close of the root for the run, not one per file. Not open where openat2 is not
/// used; the caller then takes its resolving path.
/// </summary>
public struct RootReads : IDisposable
{
    private int _descriptor;

    internal RootReads(int descriptor) => _descriptor = descriptor;

    public readonly bool IsOpen => _descriptor >= 0;

    internal readonly int Descriptor => _descriptor;

    public void Dispose()
    {
        if (_descriptor >= 0)
        {
            NativeMethods.Close(_descriptor);
            _descriptor = -1;
        }
    }
}
