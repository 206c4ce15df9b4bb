using System.Buffers;

namespace Dmv.Core.FileSystem;

/// <summary>A path grown and cut back in one pooled buffer while it is resolved, so each step allocates nothing.</summary>
internal struct PathBuilder : IDisposable
{
    private char[] _buffer;
    private int _length;

    public PathBuilder(int capacity)
    {
        _buffer = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 256));
        _length = 0;
    }

    public int Length
    {
        readonly get => _length;
        set => _length = value;
    }

    public readonly ReadOnlySpan<char> Span => _buffer.AsSpan(0, _length);

    public void Append(char value)
    {
        Reserve(1);
        _buffer[_length++] = value;
    }

    public void Append(ReadOnlySpan<char> value)
    {
        Reserve(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    public void Dispose()
    {
        char[] buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    private void Reserve(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }

        char[] larger = ArrayPool<char>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + more));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<char>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
