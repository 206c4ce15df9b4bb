namespace Dmv.Core.Switching;

/// <summary>
/// Where a switch stood when its journal was last written. Prepared: new links may be staged,
/// nothing visible has changed, so recovery rolls back. Committed: the switch is decided, so
/// recovery rolls forward. <see cref="JournalStates.Word"/> is how the journal file names it.
/// </summary>
internal enum JournalState
{
    Prepared,
    Committed,
}

internal static class JournalStates
{
    public static string Word(this JournalState state) => state == JournalState.Committed ? "committed" : "prepared";

    public static bool TryParse(string word, out JournalState state)
    {
        state = word == "committed" ? JournalState.Committed : JournalState.Prepared;
        return word is "committed" or "prepared";
    }
}
