namespace Dmv.Core.FileSystem;

/// <summary>
/// The root folder held open for a run of reads inside it (<see cref="HostRoot.OpenForReads"/>):
/// one open and close of the root for the run, not one per file. Not open where openat2 is not
/// used, nor when default; the caller then takes its resolving path.
/// </summary>
public struct RootReads : IDisposable
{
    // The descriptor plus one, so that a default value holds no descriptor (not 0, standard input).
    private int _descriptorPlusOne;

    internal RootReads(int descriptor) => _descriptorPlusOne = descriptor < 0 ? 0 : descriptor + 1;

    public readonly bool IsOpen => _descriptorPlusOne > 0;

    internal readonly int Descriptor => _descriptorPlusOne - 1;

    public void Dispose()
    {
        if (_descriptorPlusOne > 0)
        {
            NativeMethods.Close(_descriptorPlusOne - 1);
            _descriptorPlusOne = 0;
        }
    }
}
