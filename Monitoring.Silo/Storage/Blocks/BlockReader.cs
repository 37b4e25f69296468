using System.Buffers.Binary;

namespace Monitoring.Silo.Storage.Blocks;

/// <summary>Reads what <see cref="BlockWriter"/> wrote; any truncated or malformed input throws <see cref="InvalidDataException"/>.</summary>
internal ref struct BlockReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public BlockReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte() =>
        _position < _data.Length ? _data[_position++] : throw Corrupt("it ends early");

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte next = ReadByte();
            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }
        throw Corrupt("a varint is longer than 10 bytes");
    }

    public long ReadZigzag()
    {
        ulong value = ReadVarint();
        return (long)(value >> 1) ^ -(long)(value & 1);
    }

    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(sizeof(long)));

    public int ReadSeriesId()
    {
        ulong value = ReadVarint();
        return value <= uint.MaxValue ? (int)(uint)value : throw Corrupt("a series id is out of range");
    }

    /// <summary>A count or length that cannot exceed the bytes left, since each counted item takes at least one byte.</summary>
    public int ReadCount()
    {
        ulong value = ReadVarint();
        return value <= (ulong)Remaining ? (int)value : throw Corrupt("a count exceeds the bytes left");
    }

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count > Remaining)
        {
            throw Corrupt("it ends early");
        }
        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw Corrupt("bytes are left over");
        }
    }

    public static InvalidDataException Corrupt(string reason) => new($"The encoded series block is corrupt: {reason}.");
}
