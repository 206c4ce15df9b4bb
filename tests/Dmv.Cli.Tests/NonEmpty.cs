namespace Dmv.Cli.Tests;

/// <summary>Assert.All passes over an empty sequence; every "all of them" here also means "there are some".</summary>
public static class NonEmpty
{
    public static void All<T>(IEnumerable<T> items, Action<T> check)
    {
        List<T> list = items.ToList();
        Assert.NotEmpty(list);
        Assert.All(list, check);
    }
}
