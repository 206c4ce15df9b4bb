namespace Dmv.Core.Kernels;

/// <summary>
/// Orders kernel releases the way rpmvercmp and <c>sort -V</c> do: runs of digits compare as
/// numbers, runs of letters as text, a number beats letters, and the longer release wins a tie
/// ("6.1.0-10" after "6.1.0-9", "5.10" after "5.9").
/// </summary>
internal sealed class KernelVersionComparer : IComparer<string>
{
    public static KernelVersionComparer Instance { get; } = new();

    public int Compare(string? left, string? right)
    {
        if (ReferenceEquals(left, right))
        {
            return 0;
        }

        if (left is null || right is null)
        {
            return left is null ? -1 : 1;
        }

        int i = 0, j = 0;
        while (true)
        {
            while (i < left.Length && !char.IsAsciiLetterOrDigit(left[i])) i++;
            while (j < right.Length && !char.IsAsciiLetterOrDigit(right[j])) j++;
            if (i >= left.Length || j >= right.Length)
            {
                break;
            }

            bool numeric = char.IsAsciiDigit(left[i]);
            if (numeric != char.IsAsciiDigit(right[j]))
            {
                return numeric ? 1 : -1;
            }

            int startLeft = i, startRight = j;
            if (numeric)
            {
                while (i < left.Length && char.IsAsciiDigit(left[i])) i++;
                while (j < right.Length && char.IsAsciiDigit(right[j])) j++;
                int order = CompareNumbers(left.AsSpan(startLeft, i - startLeft), right.AsSpan(startRight, j - startRight));
                if (order != 0)
                {
                    return order;
                }
            }
            else
            {
                while (i < left.Length && char.IsAsciiLetter(left[i])) i++;
                while (j < right.Length && char.IsAsciiLetter(right[j])) j++;
                int order = left.AsSpan(startLeft, i - startLeft).SequenceCompareTo(right.AsSpan(startRight, j - startRight));
                if (order != 0)
                {
                    return Math.Sign(order);
                }
            }
        }

        bool leftDone = i >= left.Length, rightDone = j >= right.Length;
        if (leftDone != rightDone)
        {
            return leftDone ? -1 : 1;
        }

        return Math.Sign(string.CompareOrdinal(left, right));
    }

    private static int CompareNumbers(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        left = left.TrimStart('0');
        right = right.TrimStart('0');
        if (left.Length != right.Length)
        {
            return left.Length < right.Length ? -1 : 1;
        }

        return Math.Sign(left.SequenceCompareTo(right));
    }
}
