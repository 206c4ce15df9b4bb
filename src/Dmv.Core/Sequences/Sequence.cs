namespace Dmv.Core.Sequences;

/// <summary>
/// The few sequence operations driver-tool's code uses, eager and as plain loops: in place of LINQ,
/// whose lazy iterator classes, compiled ahead of time once per element type, cost about 450 KB of
/// the executable (a quarter of its own code) and a type loader at start-up. Each returns a list
/// (or a value) at once; none of them defers work, so none keeps a source alive.
/// </summary>
internal static class Sequence
{
    public static List<T> Where<T>(this IEnumerable<T> source, Func<T, bool> keep)
    {
        var result = new List<T>();
        foreach (T item in source)
        {
            if (keep(item))
            {
                result.Add(item);
            }
        }

        return result;
    }

    public static List<TResult> Select<T, TResult>(this IEnumerable<T> source, Func<T, TResult> map)
    {
        var result = source is ICollection<T> sized ? new List<TResult>(sized.Count) : new List<TResult>();
        foreach (T item in source)
        {
            result.Add(map(item));
        }

        return result;
    }

    public static List<TResult> SelectMany<T, TResult>(this IEnumerable<T> source, Func<T, IEnumerable<TResult>> map)
    {
        var result = new List<TResult>();
        foreach (T item in source)
        {
            result.AddRange(map(item));
        }

        return result;
    }

    public static bool Any<T>(this IEnumerable<T> source)
    {
        using IEnumerator<T> items = source.GetEnumerator();
        return items.MoveNext();
    }

    public static bool Any<T>(this IEnumerable<T> source, Func<T, bool> test)
    {
        foreach (T item in source)
        {
            if (test(item))
            {
                return true;
            }
        }

        return false;
    }

    public static bool All<T>(this IEnumerable<T> source, Func<T, bool> test)
    {
        foreach (T item in source)
        {
            if (!test(item))
            {
                return false;
            }
        }

        return true;
    }

    public static int Count<T>(this IEnumerable<T> source, Func<T, bool> test)
    {
        int count = 0;
        foreach (T item in source)
        {
            if (test(item))
            {
                count++;
            }
        }

        return count;
    }

    public static T? FirstOrDefault<T>(this IEnumerable<T> source)
    {
        foreach (T item in source)
        {
            return item;
        }

        return default;
    }

    public static T? FirstOrDefault<T>(this IEnumerable<T> source, Func<T, bool> test)
    {
        foreach (T item in source)
        {
            if (test(item))
            {
                return item;
            }
        }

        return default;
    }

    public static T First<T>(this IEnumerable<T> source)
    {
        foreach (T item in source)
        {
            return item;
        }

        throw new InvalidOperationException("the sequence is empty");
    }

    public static T First<T>(this IEnumerable<T> source, Func<T, bool> test)
    {
        foreach (T item in source)
        {
            if (test(item))
            {
                return item;
            }
        }

        throw new InvalidOperationException("no item matches");
    }

    public static T Single<T>(this IEnumerable<T> source)
    {
        List<T> items = source.ToList();
        return items.Count == 1 ? items[0] : throw new InvalidOperationException("not exactly one item");
    }

    public static List<T> ToList<T>(this IEnumerable<T> source) => new(source);

    public static T[] ToArray<T>(this IEnumerable<T> source) => new List<T>(source).ToArray();

    public static HashSet<T> ToHashSet<T>(this IEnumerable<T> source, IEqualityComparer<T>? comparer = null) => new(source, comparer);

    public static bool Contains<T>(this IEnumerable<T> source, T value)
    {
        EqualityComparer<T> equal = EqualityComparer<T>.Default;
        foreach (T item in source)
        {
            if (equal.Equals(item, value))
            {
                return true;
            }
        }

        return false;
    }

    public static List<T> Distinct<T>(this IEnumerable<T> source, IEqualityComparer<T>? comparer = null)
    {
        var seen = new HashSet<T>(comparer);
        var result = new List<T>();
        foreach (T item in source)
        {
            if (seen.Add(item))
            {
                result.Add(item);
            }
        }

        return result;
    }

    public static List<T> DistinctBy<T, TKey>(this IEnumerable<T> source, Func<T, TKey> key, IEqualityComparer<TKey>? comparer = null)
    {
        var seen = new HashSet<TKey>(comparer);
        var result = new List<T>();
        foreach (T item in source)
        {
            if (seen.Add(key(item)))
            {
                result.Add(item);
            }
        }

        return result;
    }

    public static List<T> Except<T>(this IEnumerable<T> source, IEnumerable<T> other, IEqualityComparer<T>? comparer = null)
    {
        var excluded = new HashSet<T>(other, comparer);
        return source.Where(item => !excluded.Contains(item));
    }

    /// <summary>A stable sort, as LINQ's OrderBy is.</summary>
    public static List<T> OrderBy<T, TKey>(this IEnumerable<T> source, Func<T, TKey> key, IComparer<TKey>? comparer = null)
    {
        IComparer<TKey> compare = comparer ?? Comparer<TKey>.Default;
        List<T> items = source.ToList();
        var order = new int[items.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var keys = items.Select(key);
        Array.Sort(order, (a, b) => compare.Compare(keys[a], keys[b]) is var c and not 0 ? c : a.CompareTo(b));
        return order.Select(i => items[i]);
    }

    public static List<T> Order<T>(this IEnumerable<T> source, IComparer<T>? comparer = null) => source.OrderBy(static item => item, comparer);

    public static List<T> Concat<T>(this IEnumerable<T> first, IEnumerable<T> second)
    {
        var result = new List<T>(first);
        result.AddRange(second);
        return result;
    }

    public static List<T> Prepend<T>(this IEnumerable<T> source, T item)
    {
        var result = new List<T> { item };
        result.AddRange(source);
        return result;
    }

    public static List<T> Append<T>(this IEnumerable<T> source, T item)
    {
        var result = new List<T>(source) { item };
        return result;
    }

    public static List<T> Skip<T>(this IEnumerable<T> source, int count)
    {
        var result = new List<T>();
        foreach (T item in source)
        {
            if (count-- <= 0)
            {
                result.Add(item);
            }
        }

        return result;
    }

    public static List<T> Take<T>(this IEnumerable<T> source, int count)
    {
        var result = new List<T>();
        foreach (T item in source)
        {
            if (result.Count == count)
            {
                break;
            }

            result.Add(item);
        }

        return result;
    }

    public static T Max<T>(this IEnumerable<T> source)
    {
        Comparer<T> compare = Comparer<T>.Default;
        bool any = false;
        T best = default!;
        foreach (T item in source)
        {
            if (!any || compare.Compare(item, best) > 0)
            {
                best = item;
                any = true;
            }
        }

        return any ? best : throw new InvalidOperationException("the sequence is empty");
    }

    public static Dictionary<TKey, TValue> ToDictionary<T, TKey, TValue>(this IEnumerable<T> source, Func<T, TKey> key, Func<T, TValue> value, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        var result = new Dictionary<TKey, TValue>(comparer);
        foreach (T item in source)
        {
            result.Add(key(item), value(item));
        }

        return result;
    }

    /// <summary>Items with equal keys, in the order their keys first appear, each group in source order.</summary>
    public static List<(TKey Key, List<T> Items)> GroupBy<T, TKey>(this IEnumerable<T> source, Func<T, TKey> key, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        var index = new Dictionary<TKey, int>(comparer);
        var groups = new List<(TKey, List<T>)>();
        foreach (T item in source)
        {
            TKey k = key(item);
            if (!index.TryGetValue(k, out int at))
            {
                at = groups.Count;
                index[k] = at;
                groups.Add((k, []));
            }

            groups[at].Item2.Add(item);
        }

        return groups;
    }
}
