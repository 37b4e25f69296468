using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;
using System.Text.Json;
using System.Threading.Channels;
using Monitoring.Agent.Telemetry;
using Monitoring.Contracts;

namespace Monitoring.Agent.Sending;

/// <summary>
/// An <see cref="ISampleQueue"/> that keeps every sample on disk until the server acknowledged it. Samples are appended
/// to segment files (a new one each hour, on reaching an eighth of the byte limit, and at every start) as
/// <c>[payload length: int32 LE][CRC-32 of the payload: uint32 LE][MetricsReport JSON]</c>; acknowledgements are
/// appended to a <c>.ack</c> file beside each segment as the acknowledged record's offset (int64 LE), and a segment is
/// deleted with its ack file once every record in it is acknowledged, rejected or dropped. Drops not yet reported to the
/// server are kept in <c>.dropped</c>, and rejected samples are appended to <c>rejected/rejected.jsonl</c>.
/// While the directory refuses writes (gone, full, read-only), new samples are kept in memory up to a byte limit and
/// written to disk as soon as it accepts them again; a missing directory is created again.
/// </summary>
internal sealed class DiskSpool : ISampleQueue, IDisposable
{
    public const string SegmentExtension = ".spool";
    public const string AckExtension = ".ack";
    public const string LockFileName = ".lock";
    public const string DropsFileName = ".dropped";
    public const string RejectedDirectoryName = "rejected";
    public const string RejectedFileName = "rejected.jsonl";

    private const int HeaderLength = 8;
    private const int MaxPayloadLength = 16 * 1024 * 1024;
    private static readonly TimeSpan SegmentPeriod = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly PriorityQueue<Entry, (DateTimeOffset Timestamp, long Sequence)> _backlog = new();
    private readonly Dictionary<MetricsReport, Entry> _inFlight = new(ReferenceEqualityComparer.Instance);
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<bool> _liveSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _memoryBytes;
    private readonly TimeSpan _maxAge;
    private readonly long _segmentBytes;
    private readonly AgentTelemetry _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger<DiskSpool> _logger;
    private readonly List<Entry> _inMemory = [];
    private FileStream _lockFile;
    private (Entry Entry, MetricsReport Sample)? _live;
    private Segment? _active;
    private FileStream? _activeStream;
    private long _sequence;
    private long _pendingBytes;
    private SpoolDrops _dropped = SpoolDrops.None;
    private SpoolDrops _unreported = SpoolDrops.None;
    private SpoolDrops? _reporting;
    private long _rejected;
    private long _inMemoryBytes;
    private string? _failure;
    private bool _memoryFull;

    public DiskSpool(string directory, long maxBytes, long memoryBytes, TimeSpan maxAge, AgentTelemetry telemetry, TimeProvider time, ILogger<DiskSpool> logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(memoryBytes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);
        _directory = Directory.CreateDirectory(directory).FullName;
        _maxBytes = maxBytes;
        _memoryBytes = Math.Min(memoryBytes, maxBytes);
        _maxAge = maxAge;
        _segmentBytes = Math.Max(maxBytes / 8, 4096);
        _telemetry = telemetry;
        _time = time;
        _logger = logger;
        _lockFile = LockDirectory(_directory);

        lock (_lock)
        {
            Recover();
            EnforceLimits();
        }

        if (Count > 0)
        {
            Log.SpoolRecovered(_logger, Count, _directory);
            _signal.Writer.TryWrite(true);
        }

        telemetry.ObserveQueueDepth(() => Count);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _backlog.Count + (_live is null ? 0 : 1);
            }
        }
    }

    /// <summary>Bytes of the records not yet acknowledged, in flight included.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_lock)
            {
                return _pendingBytes;
            }
        }
    }

    public SpoolStatus Status
    {
        get
        {
            lock (_lock)
            {
                DateTimeOffset? oldest = _backlog.TryPeek(out var first, out _) ? first.Timestamp : _live?.Entry.Timestamp;
                foreach (var entry in _inFlight.Values)
                {
                    oldest = oldest is { } known && known <= entry.Timestamp ? known : entry.Timestamp;
                }

                return new SpoolStatus(Count + _inFlight.Count, _pendingBytes, oldest, _dropped.Count, _rejected, _inMemory.Count, _failure);
            }
        }
    }

    /// <summary>What the limits dropped since this spool was opened.</summary>
    public SpoolDrops Dropped
    {
        get
        {
            lock (_lock)
            {
                return _dropped;
            }
        }
    }

    public void Enqueue(MetricsReport sample)
    {
        lock (_lock)
        {
            var entry = Store(sample);
            if (_live is { } previous)
            {
                _backlog.Enqueue(previous.Entry, previous.Entry.Key);
            }

            _live = (entry, sample);
            EnforceLimits();
        }

        _signal.Writer.TryWrite(true);
        _liveSignal.Writer.TryWrite(true);
    }

    public void Requeue(MetricsReport sample)
    {
        lock (_lock)
        {
            var entry = _inFlight.Remove(sample, out var taken) ? taken : Store(sample);
            _backlog.Enqueue(entry, entry.Key);
            EnforceLimits();
        }

        _signal.Writer.TryWrite(true);
    }

    public void Acknowledge(MetricsReport sample)
    {
        lock (_lock)
        {
            if (_inFlight.Remove(sample, out var entry))
            {
                Complete(entry);
            }
        }
    }

    public void Reject(MetricsReport sample, int statusCode, string problem)
    {
        lock (_lock)
        {
            if (!_inFlight.Remove(sample, out var entry))
            {
                return;
            }

            MoveAside(sample, statusCode, problem);
            _rejected++;
            Complete(entry);
        }
    }

    public bool TryDequeueLive([NotNullWhen(true)] out MetricsReport? sample)
    {
        lock (_lock)
        {
            if (_live is { } live)
            {
                _live = null;
                _inFlight[live.Sample] = live.Entry;
                sample = live.Sample;
                return true;
            }

            sample = null;
            return false;
        }
    }

    public IReadOnlyList<MetricsReport> DequeueBacklog(int maxCount, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var taken = new List<MetricsReport>();
        var bytes = 0L;
        lock (_lock)
        {
            while (taken.Count < maxCount && _backlog.TryPeek(out var next, out _) && (taken.Count == 0 || bytes + next.Length <= maxBytes))
            {
                var entry = _backlog.Dequeue();
                if (TryRead(entry, out var sample))
                {
                    _inFlight[sample] = entry;
                    taken.Add(sample);
                    bytes += entry.Length;
                }
                else
                {
                    // Gone with a deleted directory or changed on disk: reported to the server as a gap, like a drop.
                    Complete(entry);
                    RecordDrop(entry.Timestamp);
                    SaveUnreportedDrops();
                    _telemetry.SamplesDropped.Add(1, new KeyValuePair<string, object?>("reason", "spool_unreadable"));
                }
            }
        }

        return taken;
    }

    public SpoolDrops? TakeUnreportedDrops()
    {
        lock (_lock)
        {
            if (_reporting is not null || _unreported.Count == 0)
            {
                return null;
            }

            _reporting = _unreported;
            _unreported = SpoolDrops.None;
            return _reporting;
        }
    }

    public void SettleDropReport(bool delivered)
    {
        lock (_lock)
        {
            if (_reporting is not { } reporting)
            {
                return;
            }

            _reporting = null;
            if (delivered)
            {
                SaveUnreportedDrops();
            }
            else
            {
                _unreported = reporting.Merge(_unreported);
            }
        }
    }

    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        while (Count == 0)
        {
            await _signal.Reader.ReadAsync(cancellationToken);
        }
    }

    public async ValueTask WaitForLiveAsync(CancellationToken cancellationToken)
    {
        while (!HasLive())
        {
            await _liveSignal.Reader.ReadAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_inMemory.Count > 0)
            {
                WriteKeptSamples();
            }

            if (_inMemory.Count > 0)
            {
                Log.KeptSamplesLost(_logger, _inMemory.Count, _directory);
            }

            CloseActive();
            _lockFile.Dispose();
        }
    }

    private bool HasLive()
    {
        lock (_lock)
        {
            return _live is not null;
        }
    }

    /// <summary>Two agents sharing a spool would send and delete each other's samples, so the second one fails to start.</summary>
    private static FileStream LockDirectory(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            throw new IOException($"The spool directory {directory} is in use by another agent; give each agent its own SPOOL_DIRECTORY.", ex);
        }
    }

    private void Recover()
    {
        _unreported = LoadUnreportedDrops();
        var segments = Directory.GetFiles(_directory, "*" + SegmentExtension).Order(StringComparer.Ordinal);
        foreach (var path in segments)
        {
            var segment = new Segment(path);
            var acknowledged = ReadAcks(segment.AckPath);
            var bytes = File.ReadAllBytes(path);
            segment.Length = bytes.Length;
            for (var offset = 0L; offset < bytes.Length;)
            {
                var remaining = bytes.AsSpan((int)offset);
                if (remaining.Length < HeaderLength)
                {
                    Log.SpoolRecordSkipped(_logger, path, offset, "a torn header at the end of the segment");
                    break;
                }

                var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(remaining);
                if (payloadLength <= 0 || payloadLength > MaxPayloadLength || payloadLength > remaining.Length - HeaderLength)
                {
                    // Without a plausible length the next record cannot be found; only a torn last write leaves this.
                    Log.SpoolRecordSkipped(_logger, path, offset, "a torn record at the end of the segment");
                    break;
                }

                var length = HeaderLength + payloadLength;
                if (!acknowledged.Contains(offset))
                {
                    if (Decode(remaining[..length]) is { } sample)
                    {
                        var entry = new Entry(segment, offset, length, sample.Timestamp ?? _time.GetUtcNow(), _sequence++);
                        segment.Pending++;
                        _pendingBytes += length;
                        _backlog.Enqueue(entry, entry.Key);
                    }
                    else
                    {
                        Log.SpoolRecordSkipped(_logger, path, offset, "a record whose checksum or JSON is wrong");
                    }
                }

                offset += length;
            }

            if (segment.Pending == 0)
            {
                Delete(segment);
            }
        }

        foreach (var ack in Directory.GetFiles(_directory, "*" + AckExtension))
        {
            if (!File.Exists(Path.ChangeExtension(ack, SegmentExtension)))
            {
                File.Delete(ack);
            }
        }
    }

    private static HashSet<long> ReadAcks(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var bytes = File.ReadAllBytes(path);
        var offsets = new HashSet<long>();

        // A trailing partial offset is an ack torn by a crash: that record is simply sent again.
        for (var at = 0; at + sizeof(long) <= bytes.Length; at += sizeof(long))
        {
            offsets.Add(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(at)));
        }

        return offsets;
    }

    /// <summary>Writes the sample to the active segment, or keeps it in memory while the directory refuses writes.</summary>
    private Entry Store(MetricsReport sample)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(sample, MonitoringJsonContext.Default.MetricsReport);
        var record = new byte[HeaderLength + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(record, payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(sizeof(int)), Crc32.HashToUInt32(payload));
        payload.CopyTo(record.AsSpan(HeaderLength));

        var entry = new Entry(record.Length, sample.Timestamp ?? _time.GetUtcNow(), _sequence++);
        _pendingBytes += entry.Length;
        if (TryWrite(entry, record))
        {
            if (_failure is not null)
            {
                Recovered();
            }

            return entry;
        }

        entry.Record = record;
        _inMemory.Add(entry);
        _inMemoryBytes += entry.Length;
        return entry;
    }

    private bool TryWrite(Entry entry, byte[] record)
    {
        try
        {
            var (segment, stream) = ActiveSegment(record.Length);
            var offset = segment.Length;
            stream.Write(record);
            stream.Flush(flushToDisk: true);
            segment.Length += record.Length;
            segment.Pending++;
            entry.Segment = segment;
            entry.Offset = offset;
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // The next record goes to a new segment, so a partly written one stays a torn tail that recovery skips.
            CloseActive();
            Refused(ex);
            return false;
        }
    }

    /// <summary>Enters the state where the directory refuses writes, logging only the change of state (the details at debug level).</summary>
    private void Refused(Exception exception)
    {
        var first = _failure is null;
        var reason = string.Concat(exception.Message.Where(c => !char.IsControl(c)));
        _failure = reason.Length <= SampleLimits.MaxSpoolErrorLength ? reason : reason[..(SampleLimits.MaxSpoolErrorLength - 1)] + "…";
        if (first)
        {
            Log.SpoolRefusesWrites(_logger, _directory, reason, _memoryBytes);
            Log.SpoolRefusal(_logger, exception);
        }
    }

    /// <summary>The directory accepts writes again: what was kept in memory goes to disk, so a restart keeps it too.</summary>
    private void Recovered()
    {
        _failure = null;
        _memoryFull = false;
        var kept = _inMemory.Count;
        WriteKeptSamples();
        if (_failure is null)
        {
            Log.SpoolWritable(_logger, _directory, kept);
        }
    }

    private void WriteKeptSamples()
    {
        while (_inMemory.Count > 0)
        {
            var entry = _inMemory[0];
            if (!TryWrite(entry, entry.Record!))
            {
                return;
            }

            entry.Record = null;
            _inMemory.RemoveAt(0);
            _inMemoryBytes -= entry.Length;
        }
    }

    private (Segment Segment, FileStream Stream) ActiveSegment(int recordLength)
    {
        var now = _time.GetUtcNow();
        if (_active is { } active && _activeStream is { } stream
            && now < active.OpenedAt + SegmentPeriod
            && (active.Length == 0 || active.Length + recordLength <= _segmentBytes))
        {
            if (File.Exists(active.Path))
            {
                return (active, stream);
            }

            active.Lost = true;
        }

        CloseActive();
        EnsureDirectory();
        var ticks = now.UtcTicks;
        string path;
        do
        {
            path = Path.Combine(_directory, ticks.ToString("D19", System.Globalization.CultureInfo.InvariantCulture) + SegmentExtension);
            ticks++;
        }
        while (File.Exists(path));

        var segment = new Segment(path) { OpenedAt = now };
        _activeStream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
        _active = segment;
        return (segment, _activeStream);
    }

    /// <summary>Creates the directory again when it was removed under the running agent, and takes its lock again.</summary>
    private void EnsureDirectory()
    {
        if (File.Exists(Path.Combine(_directory, LockFileName)))
        {
            return;
        }

        Directory.CreateDirectory(_directory);
        _lockFile.Dispose();
        _lockFile = LockDirectory(_directory);
        Log.SpoolDirectoryRecreated(_logger, _directory);

        // A new segment may get the name of a deleted one: entries of a deleted segment must never read or delete it.
        var entries = _backlog.UnorderedItems.Select(item => item.Element).Concat(_inFlight.Values);
        foreach (var segment in (_live is { } live ? entries.Append(live.Entry) : entries).Select(entry => entry.Segment).OfType<Segment>().Distinct())
        {
            segment.Lost = !File.Exists(segment.Path);
        }

        SaveUnreportedDrops();
    }

    private void CloseActive()
    {
        try
        {
            _activeStream?.Dispose();
        }
        catch (IOException)
        {
            // Nothing was buffered (every record is flushed), so a failing close loses nothing.
        }

        _activeStream = null;
        if (_active is { Pending: 0, Lost: false } finished)
        {
            Delete(finished);
        }

        _active = null;
    }

    private bool TryRead(Entry entry, [NotNullWhen(true)] out MetricsReport? sample)
    {
        if (entry.Segment is not { } segment)
        {
            sample = Decode(entry.Record);
            return sample is not null;
        }

        // Deleted with the directory, which was logged once.
        if (segment.Lost)
        {
            sample = null;
            return false;
        }

        var record = new byte[entry.Length];
        try
        {
            using var stream = new FileStream(segment.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Position = entry.Offset;
            stream.ReadExactly(record);
            sample = Decode(record);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            sample = null;
        }

        if (sample is null)
        {
            Log.SpoolRecordSkipped(_logger, segment.Path, entry.Offset, "a record that changed on disk or could not be read back");
        }

        return sample is not null;
    }

    private static MetricsReport? Decode(ReadOnlySpan<byte> record)
    {
        var payload = record[HeaderLength..];
        if (BinaryPrimitives.ReadInt32LittleEndian(record) != payload.Length
            || BinaryPrimitives.ReadUInt32LittleEndian(record[sizeof(int)..]) != Crc32.HashToUInt32(payload))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(payload, MonitoringJsonContext.Default.MetricsReport);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Records the entry as done for good (sent, rejected or dropped) and deletes its segment once nothing in it is pending.</summary>
    private void Complete(Entry entry)
    {
        _pendingBytes -= entry.Length;
        if (entry.Segment is not { } segment)
        {
            _inMemory.Remove(entry);
            _inMemoryBytes -= entry.Length;
            entry.Record = null;
            return;
        }

        // A segment deleted with its directory has nothing left to acknowledge or delete.
        if (!segment.Lost)
        {
            Span<byte> ack = stackalloc byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(ack, entry.Offset);
            try
            {
                // Flushed to the OS only: an ack lost to a power cut means one duplicate send, which ingest ignores.
                using var stream = new FileStream(segment.AckPath, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
                stream.Write(ack);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                Refused(ex);
            }
        }

        segment.Pending--;
        if (segment is { Pending: 0, Lost: false } && segment != _active)
        {
            Delete(segment);
        }
    }

    private void Delete(Segment segment)
    {
        try
        {
            File.Delete(segment.Path);
            File.Delete(segment.AckPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Refused(ex);
        }
    }

    private void EnforceLimits()
    {
        var expiredBefore = _time.GetUtcNow() - _maxAge;
        var expired = SpoolDrops.None;
        while (_backlog.TryPeek(out var oldest, out _) && oldest.Timestamp < expiredBefore)
        {
            expired = expired.Add(Drop());
        }

        var full = SpoolDrops.None;
        while (_pendingBytes > _maxBytes && _backlog.Count > 0)
        {
            full = full.Add(Drop());
        }

        var memoryFull = DropKeptInMemory();
        if (expired.Count + full.Count + memoryFull.Count > 0)
        {
            SaveUnreportedDrops();
        }

        if (expired.Count > 0)
        {
            _telemetry.SamplesDropped.Add(expired.Count, new KeyValuePair<string, object?>("reason", "spool_expired"));
            Log.SpoolExpired(_logger, expired.Count, _maxAge, expired.Oldest, expired.Newest);
        }

        if (full.Count > 0)
        {
            _telemetry.SamplesDropped.Add(full.Count, new KeyValuePair<string, object?>("reason", "spool_full"));
            Log.SpoolFull(_logger, full.Count, _maxBytes, full.Oldest, full.Newest);
        }

        if (memoryFull.Count > 0)
        {
            _telemetry.SamplesDropped.Add(memoryFull.Count, new KeyValuePair<string, object?>("reason", "spool_memory_full"));
            if (!_memoryFull)
            {
                _memoryFull = true;
                Log.SpoolMemoryFull(_logger, _memoryBytes, _directory);
            }
        }
    }

    /// <summary>Drops the oldest samples kept in memory (not those being sent) while they are over the memory limit.</summary>
    private SpoolDrops DropKeptInMemory()
    {
        var dropped = SpoolDrops.None;
        for (var index = 0; _inMemoryBytes > _memoryBytes && index < _inMemory.Count;)
        {
            var entry = _inMemory[index];
            if (!Withdraw(entry))
            {
                index++;
                continue;
            }

            Complete(entry);
            RecordDrop(entry.Timestamp);
            dropped = dropped.Add(entry.Timestamp);
        }

        return dropped;
    }

    /// <summary>Takes a waiting entry out of the queue; false when it is being sent.</summary>
    private bool Withdraw(Entry entry)
    {
        if (_live is { } live && live.Entry == entry)
        {
            _live = null;
            return true;
        }

        return _backlog.Remove(entry, out _, out _);
    }

    private DateTimeOffset Drop()
    {
        var entry = _backlog.Dequeue();
        Complete(entry);
        RecordDrop(entry.Timestamp);
        return entry.Timestamp;
    }

    private void RecordDrop(DateTimeOffset timestamp)
    {
        _dropped = _dropped.Add(timestamp);
        _unreported = _unreported.Add(timestamp);
    }

    /// <summary>Keeps drops not yet acknowledged by the server (the report in flight included) across restarts, so no gap goes unreported.</summary>
    private void SaveUnreportedDrops()
    {
        var path = Path.Combine(_directory, DropsFileName);
        var pending = _reporting is { } reporting ? reporting.Merge(_unreported) : _unreported;
        try
        {
            if (pending.Count == 0)
            {
                File.Delete(path);
                return;
            }

            var bytes = new byte[3 * sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(bytes, pending.Count);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(sizeof(long)), pending.Oldest!.Value.UtcTicks);
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(2 * sizeof(long)), pending.Newest!.Value.UtcTicks);
            var temporary = path + ".tmp";
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Refused(ex);
        }
    }

    private SpoolDrops LoadUnreportedDrops()
    {
        var path = Path.Combine(_directory, DropsFileName);
        if (!File.Exists(path))
        {
            return SpoolDrops.None;
        }

        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != 3 * sizeof(long))
        {
            Log.SpoolRecordSkipped(_logger, path, 0, "an unreadable record of unreported drops");
            return SpoolDrops.None;
        }

        var count = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        var oldest = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(sizeof(long))), TimeSpan.Zero);
        var newest = new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(2 * sizeof(long))), TimeSpan.Zero);
        return new SpoolDrops(count, oldest, newest);
    }

    /// <summary>Appends a refused sample with the server's answer to the rejected file, keeping one older file when it grows past a segment's size.</summary>
    private void MoveAside(MetricsReport sample, int statusCode, string problem)
    {
        var folder = Path.Combine(_directory, RejectedDirectoryName);
        var path = Path.Combine(folder, RejectedFileName);
        try
        {
            Directory.CreateDirectory(folder);
            if (File.Exists(path) && new FileInfo(path).Length > _segmentBytes)
            {
                File.Move(path, Path.ChangeExtension(path, ".1.jsonl"), overwrite: true);
            }

            using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("rejected_at", _time.GetUtcNow());
                json.WriteNumber("status_code", statusCode);
                json.WriteString("problem", problem);
                json.WritePropertyName("sample");
                json.WriteRawValue(JsonSerializer.SerializeToUtf8Bytes(sample, MonitoringJsonContext.Default.MetricsReport), skipInputValidation: true);
                json.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }
        catch (IOException ex)
        {
            Log.RejectedUnsaved(_logger, path, sample.Timestamp, ex);
        }
    }

    private sealed class Segment(string path)
    {
        public string Path { get; } = path;

        public string AckPath { get; } = System.IO.Path.ChangeExtension(path, AckExtension);

        public DateTimeOffset OpenedAt { get; init; }

        public long Length { get; set; }

        public int Pending { get; set; }

        /// <summary>Deleted under the running agent (with its directory): its records are gone.</summary>
        public bool Lost { get; set; }
    }

    /// <summary>A sample's record: in a segment, or only in memory (<see cref="Record"/>) while the directory refuses writes.</summary>
    private sealed class Entry(int length, DateTimeOffset timestamp, long sequence)
    {
        public Entry(Segment segment, long offset, int length, DateTimeOffset timestamp, long sequence)
            : this(length, timestamp, sequence)
        {
            Segment = segment;
            Offset = offset;
        }

        public int Length { get; } = length;

        public DateTimeOffset Timestamp { get; } = timestamp;

        public (DateTimeOffset, long) Key { get; } = (timestamp, sequence);

        public Segment? Segment { get; set; }

        public long Offset { get; set; }

        public byte[]? Record { get; set; }
    }
}

/// <summary>How many samples the spool's limits dropped, and the time range they covered.</summary>
internal sealed record SpoolDrops(long Count, DateTimeOffset? Oldest, DateTimeOffset? Newest)
{
    public static SpoolDrops None { get; } = new(0, null, null);

    public SpoolDrops Merge(SpoolDrops other) => new(
        Count + other.Count,
        Oldest is { } oldest && (other.Oldest is not { } otherOldest || oldest <= otherOldest) ? oldest : other.Oldest,
        Newest is { } newest && (other.Newest is not { } otherNewest || newest >= otherNewest) ? newest : other.Newest);

    public SpoolDrops Add(DateTimeOffset timestamp) => new(
        Count + 1,
        Oldest is { } oldest && oldest <= timestamp ? oldest : timestamp,
        Newest is { } newest && newest >= timestamp ? newest : timestamp);
}
