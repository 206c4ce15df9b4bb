namespace Dmv.Core.Selection;

/// <summary>Driver and variant names become folder names under dmv/: each must be one plain path component.</summary>
public static class NameRules
{
    public static Failure? CheckComponent(string what, string name)
    {
        if (name.Length == 0)
        {
            return new Failure(FileSystem.Errno.EINVAL, $"the {what} name is empty");
        }

        if (name is "." or ".." || name.IndexOfAny(['/', '\0']) >= 0)
        {
            return new Failure(FileSystem.Errno.EINVAL, $"the {what} name '{name}' is not a single path component");
        }

        if (name.Length > 255)
        {
            return new Failure(FileSystem.Errno.EINVAL, $"the {what} name is longer than 255 characters");
        }

        return null;
    }
}
