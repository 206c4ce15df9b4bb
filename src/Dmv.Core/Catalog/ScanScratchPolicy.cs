using Microsoft.Extensions.ObjectPool;

namespace Dmv.Core.Catalog;

/// <summary>How the pool makes and takes back <see cref="ScanScratch"/>: a returned one is kept, its lists already emptied by the walk.</summary>
public sealed class ScanScratchPolicy : PooledObjectPolicy<ScanScratch>
{
    public override ScanScratch Create() => new();

    public override bool Return(ScanScratch scratch) => true;
}
