using System.Text;

namespace Dmv.Core.Trial;

/// <summary>
/// grub's environment block (grubenv) as grub's own <c>load_env</c>/<c>save_env</c> and
/// <c>grub-editenv</c> read and write it: the line "# GRUB Environment Block", then NAME=VALUE lines
/// (a backslash escapes the next character: a backslash or a newline), padded with '#' to exactly
/// 1024 bytes — grub's save_env rewrites those sectors in place and never changes the size.
/// Variables other than driver-tool's are kept as they are, in their order.
/// </summary>
internal sealed class GrubEnvironment
{
    public const int Size = 1024;
    public const int MaxSize = 64 * 1024;
    private const string Signature = "# GRUB Environment Block\n";

    /// <summary>The trial's id, state (pending, good, rolled-back, failed, unwritable) and tries left: all the boot loader knows.</summary>
    public const string IdName = "dt_id";
    public const string StateName = "dt_trial";
    public const string TriesName = "dt_tries";

    private readonly List<KeyValuePair<string, string>> _variables;

    private GrubEnvironment(List<KeyValuePair<string, string>> variables, int size)
    {
        _variables = variables;
        BlockSize = size;
    }

    public static GrubEnvironment Empty => new([], Size);

    /// <summary>The block's size: grub-editenv makes 1024 bytes, grub reads what the file holds, and a rewrite keeps it.</summary>
    public int BlockSize { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Variables => _variables;

    public string? this[string name]
    {
        get
        {
            int index = _variables.FindIndex(v => v.Key == name);
            return index < 0 ? null : _variables[index].Value;
        }
    }

    /// <summary>Parses a block as grub does; null with the reason when it is not one (torn by a power cut, or not grub's).</summary>
    public static GrubEnvironment? Parse(ReadOnlySpan<byte> block, out string? problem)
    {
        problem = null;
        if (block.Length > MaxSize)
        {
            problem = $"{block.Length} bytes, more than an environment block holds";
            return null;
        }

        if (!block.StartsWith("# GRUB Environment Block\n"u8))
        {
            problem = "it does not start with \"# GRUB Environment Block\"";
            return null;
        }

        var variables = new List<KeyValuePair<string, string>>();
        int position = Signature.Length;
        while (position < block.Length)
        {
            int lineEnd = block[position..].IndexOf((byte)'\n');
            if (block[position] == (byte)'#')
            {
                // A comment, or the padding (which has no newline).
                position = lineEnd < 0 ? block.Length : position + lineEnd + 1;
                continue;
            }

            int equals = block[position..].IndexOf((byte)'=');
            if (equals <= 0 || (lineEnd >= 0 && equals > lineEnd))
            {
                problem = "a line is neither NAME=VALUE nor a comment";
                return null;
            }

            var value = new List<byte>();
            int cursor = position + equals + 1;
            while (cursor < block.Length && block[cursor] != (byte)'\n')
            {
                if (block[cursor] == (byte)'\\' && cursor + 1 < block.Length)
                {
                    cursor++;
                }

                value.Add(block[cursor++]);
            }

            if (cursor >= block.Length)
            {
                // grub stops here too: a value cut off by the end of the block is no value.
                problem = "its last variable is cut off";
                return null;
            }

            string name = Encoding.UTF8.GetString(block.Slice(position, equals));
            variables.RemoveAll(v => v.Key == name);
            variables.Add(new(name, Encoding.UTF8.GetString(value.ToArray())));
            position = cursor + 1;
        }

        return new GrubEnvironment(variables, Math.Max(block.Length, Size));
    }

    /// <summary>This block with <paramref name="name"/> set (or removed, with null); other variables unchanged.</summary>
    public GrubEnvironment With(string name, string? value)
    {
        var variables = new List<KeyValuePair<string, string>>(_variables);
        int index = variables.FindIndex(v => v.Key == name);
        if (value is null)
        {
            if (index >= 0)
            {
                variables.RemoveAt(index);
            }
        }
        else if (index >= 0)
        {
            variables[index] = new(name, value);
        }
        else
        {
            variables.Add(new(name, value));
        }

        return new GrubEnvironment(variables, BlockSize);
    }

    /// <summary>The 1024-byte block; null when the variables do not fit in it.</summary>
    public byte[]? Format()
    {
        var text = new StringBuilder(Signature);
        foreach ((string name, string value) in _variables)
        {
            text.Append(name).Append('=');
            foreach (char c in value)
            {
                if (c is '\\' or '\n')
                {
                    text.Append('\\');
                }

                text.Append(c);
            }

            text.Append('\n');
        }

        byte[] content = Encoding.UTF8.GetBytes(text.ToString());
        if (content.Length > BlockSize)
        {
            return null;
        }

        byte[] block = new byte[BlockSize];
        content.CopyTo(block, 0);
        block.AsSpan(content.Length).Fill((byte)'#');
        return block;
    }
}
