namespace Dmv.Cli.CommandLine;

/// <summary>Names close to a mistyped one, closest first, for "did you mean" and "known drivers" hints.</summary>
internal static class Suggestions
{
    /// <summary>" (did you mean 'X'?)" for the nearest candidate within a typo's reach, else "".</summary>
    public static string DidYouMean(string given, IEnumerable<string> candidates)
    {
        string? best = Closest(given, candidates, limit: 1).FirstOrDefault();
        return best is null || Score(given, best) > Reach(given, best) ? "" : $" (did you mean '{best}'?)";
    }

    /// <summary>The candidates ordered by edit distance to <paramref name="given"/> (ties by name), at most <paramref name="limit"/>.</summary>
    public static List<string> Closest(string given, IEnumerable<string> candidates, int limit)
    {
        var scored = new List<(string Name, int Distance)>();
        foreach (string name in new HashSet<string>(candidates, StringComparer.Ordinal))
        {
            scored.Add((name, Score(given, name)));
        }

        scored.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance.CompareTo(b.Distance) : string.CompareOrdinal(a.Name, b.Name));
        var closest = new List<string>(Math.Min(limit, scored.Count));
        for (int i = 0; i < scored.Count && i < limit; i++)
        {
            closest.Add(scored[i].Name);
        }

        return closest;
    }

    /// <summary>"; known: a, b, c" (closest first) or "; none is installed" when there are none.</summary>
    public static string Known(string noun, string given, IReadOnlyCollection<string> candidates, int limit = 5)
    {
        if (candidates.Count == 0)
        {
            return $"; no {noun} is installed";
        }

        List<string> closest = Closest(given, candidates, limit);
        return $"; {noun}s here: {string.Join(", ", closest)}{(candidates.Count > closest.Count ? $" (and {candidates.Count - closest.Count} more)" : "")}";
    }

    /// <summary>How many edits still count as a typo: a third of the longer name, at least 1, at most 3.</summary>
    private static int Reach(string a, string b) => Math.Clamp(Math.Max(a.Length, b.Length) / 3, 1, 3);

    /// <summary>Edit distance, with a name that contains the given text (or is contained in it) counted as near.</summary>
    private static int Score(string given, string candidate)
    {
        int distance = Distance(given, candidate);
        bool contains = given.Length >= 3 && (candidate.Contains(given, StringComparison.OrdinalIgnoreCase) || given.Contains(candidate, StringComparison.OrdinalIgnoreCase));
        return contains ? Math.Min(distance, 1) : distance;
    }

    /// <summary>Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive.</summary>
    public static int Distance(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++) d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
