using System.Text.Json.Serialization;

namespace Dmv.Core.State;

/// <summary>
/// /var/lib/driver-tool/trial.json: a selection made on trial (driver-tool(8), "Trial selections").
/// It names the drivers and, per kernel, the variant each had before, so the trial can be rolled
/// back; the boot loader's side of it is three grubenv variables (see Trial.GrubEnvironment). The
/// record of the last trial stays after it ends (<see cref="TrialStates.Good"/> or
/// <see cref="TrialStates.RolledBack"/>), so -l can say how it ended, until the next trial replaces it.
/// </summary>
internal sealed class TrialRecord
{
    public const string Name = "trial.json";
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    /// <summary>Lower-case hex digits and dashes: it travels on the kernel command line.</summary>
    public required string Id { get; init; }

    public required string State { get; set; }

    /// <summary>False until grubenv holds the count: a trial whose arming a crash cut short is undone, never booted.</summary>
    public bool Armed { get; set; }

    public required int Tries { get; init; }

    /// <summary>The host path of the grub.cfg the trial was armed against; grubenv lies beside it.</summary>
    public required string BootConfig { get; init; }

    /// <summary>The boot the trial was armed in (/proc/sys/kernel/random/boot_id): that boot never settles it.</summary>
    public string? ArmedInBoot { get; init; }

    public required string ArmedAt { get; init; }

    public string? EndedAt { get; set; }

    /// <summary>The tries grub had left when the trial ended.</summary>
    [JsonPropertyName("tries_left")]
    public int? TriesLeftAtEnd { get; set; }

    public string? Reason { get; set; }

    public required List<TrialDriver> Drivers { get; init; }

    [JsonIgnore]
    public bool IsPending => State == TrialStates.Pending;

    public TrialDriver? Driver(string name) => Drivers.Find(d => d.Driver == name);
}

/// <summary>A driver on trial: the variant tried, and what each kernel had before.</summary>
internal sealed class TrialDriver
{
    public required string Driver { get; init; }

    public required string Variant { get; init; }

    /// <summary>What -l listed as selected before the trial (null: the in-tree module).</summary>
    public string? Previous { get; init; }

    public required List<TrialKernel> Kernels { get; init; }

    /// <summary>Whether an administrator had deselected the driver before the trial: its end puts that back.</summary>
    public bool DeselectedBefore { get; init; }

    /// <summary>
    /// The variant <paramref name="kernel"/> goes back to: its own previous one; a kernel the trial
    /// did not know (installed since) gets what the driver had before (<see cref="Previous"/>), or
    /// its in-tree module when that variant is not in it.
    /// </summary>
    public string? PreviousIn(string kernel) => Kernels.Find(k => k.Kernel == kernel) is { } known ? known.Previous : Previous;
}

internal sealed class TrialKernel
{
    public required string Kernel { get; init; }

    public string? Previous { get; init; }
}

internal static class TrialStates
{
    public const string Pending = "pending";
    public const string Good = "good";
    public const string RolledBack = "rolled-back";
}
