using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;

namespace Monitoring.Silo.Storage.Blocks;

/// <summary>A growable byte buffer rented from the array pool, writing the varints and fixed-width words of the block formats.</summary>
internal ref struct BlockWriter
{
    private const int MaxVarintBytes = 10;
    private const int MaxLengthPrefixBytes = 5;

    private byte[] _buffer;
    private int _length;

    public BlockWriter(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 16));
        _length = 0;
    }

    public readonly ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteVarint(ulong value)
    {
        Ensure(MaxVarintBytes);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }
        _buffer[_length++] = (byte)value;
    }

    public void WriteZigzag(long value) => WriteVarint(Zigzag(value));

    public void WriteInt64(long value)
    {
        Ensure(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.AsSpan(_length), value);
        _length += sizeof(long);
    }

    /// <summary>Reserves room for a length written by <see cref="EndLengthPrefixed"/>; returns where the content starts.</summary>
    public int BeginLengthPrefixed()
    {
        Ensure(MaxLengthPrefixBytes);
        _length += MaxLengthPrefixBytes;
        return _length;
    }

    /// <summary>Writes the length of everything since <paramref name="contentStart"/> in front of it as a varint.</summary>
    public void EndLengthPrefixed(int contentStart)
    {
        int contentLength = _length - contentStart;
        int prefixStart = contentStart - MaxLengthPrefixBytes;
        int prefixLength = VarintLength((ulong)contentLength);
        _length = prefixStart;
        WriteVarint((ulong)contentLength);
        // The content moves left over the unused part of the reserved prefix.
        _buffer.AsSpan(contentStart, contentLength).CopyTo(_buffer.AsSpan(prefixStart + prefixLength));
        _length = prefixStart + prefixLength + contentLength;
    }

    /// <summary>A span of at least <paramref name="size"/> bytes to fill before calling <see cref="Advance"/>.</summary>
    public Span<byte> GetSpan(int size)
    {
        Ensure(size);
        return _buffer.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public readonly void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    public static ulong Zigzag(long value) => (ulong)((value << 1) ^ (value >> 63));

    public static int VarintLength(ulong value) => value == 0 ? 1 : (64 - BitOperations.LeadingZeroCount(value) + 6) / 7;

    private void Ensure(int size)
    {
        if (_length + size <= _buffer.Length)
        {
            return;
        }
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + size));
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }
}
