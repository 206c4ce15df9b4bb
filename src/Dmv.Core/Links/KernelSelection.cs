namespace Dmv.Core.Links;

/// <summary>What one kernel will load from DMV: per driver, the selected variant.</summary>
internal sealed class KernelSelection
{
    public KernelSelection(string release, IReadOnlyDictionary<string, SelectedVariant> byDriver)
    {
        Release = release;
        ByDriver = byDriver;
    }

    public string Release { get; }

    public IReadOnlyDictionary<string, SelectedVariant> ByDriver { get; }

    public string? SelectedOf(string driver) => ByDriver.TryGetValue(driver, out SelectedVariant? selected) ? selected.Variant.Info.Variant : null;
}
