using Dmv.Core.Diagnostics;
namespace Dmv.Core.Catalog;

/// <summary>
/// What a name must be. A driver or variant name is looked up in the listing, never used as a
/// path, so it may be anything info.json says except empty or holding a control character (which
/// no line-based record or one-line message can carry). A name used as a path component (a folder
/// below dmv/, a link in updates/) must be one plain component.
/// </summary>
internal static class NameRules
{
    public static Failure? CheckName(string what, string name)
    {
        if (name.Length == 0)
        {
            return new Failure(FileSystem.Errno.EINVAL, $"the {what} name is empty");
        }

        if (Catalog.InfoJsonParser.Unprintable(name) is char c)
        {
            // The rule info.json's names follow: no name -l prints can hold one.
            return new Failure(FileSystem.Errno.EINVAL, $"the {what} name holds the character U+{(int)c:X4}, which no name may hold");
        }

        return null;
    }

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
