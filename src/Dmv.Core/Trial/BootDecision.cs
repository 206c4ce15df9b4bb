using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>
/// What a boot does with a pending trial, from the token grub put on the kernel command line:
/// <c>rd.driver_tool.trial=ID</c> is a counted try (the variant is loaded), <c>ID:good</c> a trial
/// confirmed since the initrd was made (the variant stays);
/// <c>ID:failed</c> (tries used up), <c>ID:unwritable</c> (grub could not save the count), no
/// token, or another trial's id fall back to the previous selection. Missing or unreadable counts
/// fail safe: only a token naming this trial, written after grub counted, tries the variant. The
/// initrd and the host's settle decide alike from the same two inputs.
/// </summary>
internal sealed record BootDecision(string? Trial, string Decision, string? Reason, string? Detail, string? Token)
{
    public const string TokenName = "rd.driver_tool.trial";

    public const string None = "none";
    public const string Try = "trial";
    public const string FallBack = "fallback";

    public const string TriesUsedUp = "tries-used-up";
    public const string CountUnwritable = "count-unwritable";
    public const string NoToken = "no-token";
    public const string OtherTrial = "other-trial";
    public const string Confirmed = "confirmed";

    public bool FallsBack => Decision == FallBack;

    public static BootDecision Decide(TrialRecord? record, string? commandLine)
    {
        string? token = TokenOf(commandLine);
        if (record is not { IsPending: true })
        {
            return new BootDecision(null, None, null, null, token);
        }

        string id = record.Id;
        if (token == id)
        {
            return new BootDecision(id, Try, null, null, token);
        }

        if (token == id + ":good")
        {
            // Confirmed after this initrd was made: the variant stays.
            return new BootDecision(id, None, Confirmed, $"trial {id} was confirmed: the variant stays", token);
        }

        if (token == id + ":failed")
        {
            return new BootDecision(id, FallBack, TriesUsedUp, $"trial {id} used up its {record.Tries} tries: booting the previous selection", token);
        }

        if (token == id + ":unwritable")
        {
            return new BootDecision(id, FallBack, CountUnwritable, $"grub could not save the count of trial {id} in grubenv: the variant was not tried", token);
        }

        return token is null
            ? new BootDecision(id, FallBack, NoToken, $"trial {id} is pending but the kernel command line has no {TokenName}= (another menu entry, an unreadable grubenv, or a grub.cfg without driver-tool's hook): the variant was not tried", null)
            : new BootDecision(id, FallBack, OtherTrial, $"the kernel command line names trial '{token}', not {id}: the variant was not tried", token);
    }

    /// <summary>The value of the last <c>rd.driver_tool.trial=</c> word (the kernel and dracut take the last), or null.</summary>
    public static string? TokenOf(string? commandLine)
    {
        string? token = null;
        foreach (string word in (commandLine ?? "").Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith(TokenName + "=", StringComparison.Ordinal))
            {
                token = word[(TokenName.Length + 1)..];
            }
        }

        return token;
    }
}
