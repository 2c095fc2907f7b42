namespace Axle.SupplierSim;

/// <summary>One supplier stock record as the feed would show it now.</summary>
/// <param name="QtyAvail">In the record's unit: eaches for EA, cases of four for CS4.</param>
/// <param name="UnitPrice">Minor units per <paramref name="Uom"/>.</param>
public sealed record StockRecord(
    string PartNo, string Warehouse, int QtyAvail, string Uom, int UnitPrice, string Currency, DateTimeOffset LastUpdated,
    long Sequence)
{
    /// <summary>Quantity in eaches, what Axle holds after mapping the unit.</summary>
    public int EachQuantity => Uom == StockCatalog.CaseUom ? QtyAvail * StockCatalog.CaseSize : QtyAvail;
}

/// <summary>A record to add.</summary>
public sealed record NewStockRecord(string PartNo, string Warehouse, int QtyAvail, int UnitPrice, string Uom = "EA");

/// <summary>A targeted change; null leaves the field as it is.</summary>
public sealed record StockChange(string PartNo, int? QtyAvail = null, int? UnitPrice = null);

/// <summary>What a mutation did: how many records, stamped with which time, over which sequence numbers.</summary>
public sealed record MutationResult(int Changed, DateTimeOffset UpdatedAt, long FirstSequence, long LastSequence);

/// <summary>A record's values copied out under the lock, for writers that run outside it.</summary>
internal readonly record struct StockRow(int Slot, int Sequence, string PartNo, byte Warehouse, byte Uom, int Qty, int Price, long Time);

/// <summary>
/// The deterministic supplier catalog. Columns live in parallel arrays (no object per record) so a million records take tens of
/// megabytes. Every change appends to a log whose index is the change sequence: a record is live at the log position equal
/// to its current sequence and stale elsewhere, which gives a keyset order that is stable under concurrent changes (a changed
/// record moves to the end, nothing is skipped). Log times never decrease, so <c>updated_since</c> is a binary search, and a
/// Fenwick tree over live positions turns page-number paging into a logarithmic seek.
/// </summary>
public sealed class StockCatalog
{
    internal const string EachUom = "EA";
    internal const string CaseUom = "CS4";
    internal const int CaseSize = 4;
    private const int InitialSpreadSeconds = 30 * 24 * 3600;

    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private readonly Random _changes;
    private readonly string[] _warehouses;
    private readonly string _prefix;
    private readonly int _generated;
    private readonly Dictionary<string, int> _named = new(StringComparer.Ordinal);

    // Columns by slot. _seq == 0 marks a removed record.
    private string?[]? _names;
    private int[] _qty;
    private int[] _price;
    private byte[] _whse;
    private byte[] _uom;
    private int[] _seq;
    private int _slots;

    // Change log by sequence (index 0 unused).
    private int[] _logSlot;
    private long[] _logTime;
    private int _lastSeq;
    private LiveIndex _live;
    private int _liveCount;

    private long _version;
    private long _lastModified;

    public StockCatalog(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Warehouses.Count is 0 or > 255)
        {
            throw new ArgumentException("Between 1 and 255 warehouses are needed.", nameof(options));
        }

        _clock = options.Clock;
        _warehouses = [.. options.Warehouses];
        _prefix = options.PartPrefix;
        Currency = options.Currency;
        var count = options.PartNumbers?.Count ?? options.Records;
        _generated = options.PartNumbers is null ? count : 0;

        var capacity = Math.Max(16, count);
        _qty = new int[capacity];
        _price = new int[capacity];
        _whse = new byte[capacity];
        _uom = new byte[capacity];
        _seq = new int[capacity];
        _logSlot = new int[capacity + 1];
        _logTime = new long[capacity + 1];

        var rng = new Random(options.Seed);
        _changes = new Random(unchecked(options.Seed * 7919 + 17));
        var start = options.DataEpoch.ToUnixTimeSeconds() - InitialSpreadSeconds;
        for (var i = 0; i < count; i++)
        {
            if (options.PartNumbers is { } parts)
            {
                var name = parts[i];
                if (!_named.TryAdd(name, i))
                {
                    throw new ArgumentException($"Part number '{name}' appears twice.", nameof(options));
                }

                (_names ??= new string?[capacity])[i] = name;
            }

            var isCase = rng.NextDouble() < options.CaseFraction;
            _whse[i] = (byte)rng.Next(_warehouses.Length);
            _uom[i] = isCase ? (byte)1 : (byte)0;
            _qty[i] = NewQuantity(rng, isCase);
            _price[i] = NewPrice(rng, isCase);
            _seq[i] = i + 1;
            _logSlot[i + 1] = i;
            _logTime[i + 1] = start + (long)((double)i / Math.Max(1, count) * InitialSpreadSeconds);
        }

        _slots = count;
        _lastSeq = count;
        _liveCount = count;
        _live = LiveIndex.Build(_logSlot.Length, p => p <= _lastSeq && _seq[_logSlot[p]] == p);
        _lastModified = count > 0 ? _logTime[count] : start;
    }

    public string Currency { get; }

    public IReadOnlyList<string> Warehouses => _warehouses;

    /// <summary>Live (not removed) records.</summary>
    public int Count
    {
        get { lock (_gate) { return _liveCount; } }
    }

    /// <summary>Bumped by every mutation; part of every ETag.</summary>
    public long Version
    {
        get { lock (_gate) { return _version; } }
    }

    /// <summary>The highest change sequence handed out so far.</summary>
    public long LastSequence
    {
        get { lock (_gate) { return _lastSeq; } }
    }

    /// <summary>The time of the last change, removal included; the feed's Last-Modified.</summary>
    public DateTimeOffset LastModified
    {
        get { lock (_gate) { return DateTimeOffset.FromUnixTimeSeconds(_lastModified); } }
    }

    public StockRecord? Get(string partNo)
    {
        lock (_gate)
        {
            return FindLive(partNo) is { } slot ? ToRecord(slot) : null;
        }
    }

    /// <summary>Every live record in sequence order (meant for small catalogs in tests).</summary>
    public IReadOnlyList<StockRecord> All()
    {
        lock (_gate)
        {
            var list = new List<StockRecord>(_liveCount);
            for (var p = 1; p <= _lastSeq; p++)
            {
                if (IsLive(p))
                {
                    list.Add(ToRecord(_logSlot[p]));
                }
            }

            return list;
        }
    }

    /// <summary>Changes <paramref name="count"/> distinct random records (new quantity, sometimes a new price).</summary>
    public MutationResult ChangeRandom(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_gate)
        {
            count = Math.Min(count, _liveCount);
            var time = NextChangeTime();
            var first = _lastSeq + 1;
            if (count * 2 > _liveCount)
            {
                // Most records: walk them all and keep each with the needed probability (no retry storm on a near-full pick).
                var remaining = count;
                var left = _liveCount;
                for (var slot = 0; slot < _slots && remaining > 0; slot++)
                {
                    if (_seq[slot] == 0)
                    {
                        continue;
                    }

                    if (_changes.Next(left) < remaining)
                    {
                        Mutate(slot, time);
                        remaining--;
                    }

                    left--;
                }
            }
            else
            {
                var picked = new HashSet<int>(count);
                while (picked.Count < count)
                {
                    var slot = _changes.Next(_slots);
                    if (_seq[slot] != 0 && picked.Add(slot))
                    {
                        Mutate(slot, time);
                    }
                }
            }

            return Done(count, time, first);
        }
    }

    /// <summary>Changes the given share (0..1) of the live records.</summary>
    public MutationResult ChangeFraction(double fraction)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fraction);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        return ChangeRandom((int)Math.Round(Count * fraction));
    }

    /// <summary>Sets quantity and/or price of one record; throws when it does not exist.</summary>
    public MutationResult Set(string partNo, int? qtyAvail = null, int? unitPrice = null) =>
        Set([new StockChange(partNo, qtyAvail, unitPrice)]);

    /// <summary>Applies all changes as one batch with one timestamp; throws (changing nothing) if any part is unknown.</summary>
    public MutationResult Set(IEnumerable<StockChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var list = changes.ToList();
        lock (_gate)
        {
            var slots = new int[list.Count];
            for (var i = 0; i < list.Count; i++)
            {
                slots[i] = FindLive(list[i].PartNo) ?? throw new KeyNotFoundException($"No record '{list[i].PartNo}'.");
                if (list[i].QtyAvail < 0 || list[i].UnitPrice < 0)
                {
                    throw new ArgumentOutOfRangeException(nameof(changes), "Quantity and price cannot be negative.");
                }
            }

            var time = NextChangeTime();
            var first = _lastSeq + 1;
            for (var i = 0; i < list.Count; i++)
            {
                var slot = slots[i];
                _qty[slot] = list[i].QtyAvail ?? _qty[slot];
                _price[slot] = list[i].UnitPrice ?? _price[slot];
                Append(slot, time);
            }

            return Done(list.Count, time, first);
        }
    }

    /// <summary>Adds a record, or brings back a removed one under the same part number.</summary>
    public MutationResult Add(NewStockRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentException.ThrowIfNullOrWhiteSpace(record.PartNo);
        var whse = Array.IndexOf(_warehouses, record.Warehouse);
        if (whse < 0)
        {
            throw new ArgumentException($"Unknown warehouse '{record.Warehouse}'.", nameof(record));
        }

        if (record.Uom is not (EachUom or CaseUom))
        {
            throw new ArgumentException($"Unit must be {EachUom} or {CaseUom}.", nameof(record));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(record.QtyAvail);
        ArgumentOutOfRangeException.ThrowIfNegative(record.UnitPrice);
        lock (_gate)
        {
            var slot = FindSlot(record.PartNo);
            if (slot is { } existing && _seq[existing] != 0)
            {
                throw new InvalidOperationException($"Record '{record.PartNo}' already exists.");
            }

            var target = slot ?? NewSlot(record.PartNo);
            _whse[target] = (byte)whse;
            _uom[target] = record.Uom == CaseUom ? (byte)1 : (byte)0;
            _qty[target] = record.QtyAvail;
            _price[target] = record.UnitPrice;
            _liveCount++;
            var time = NextChangeTime();
            var first = _lastSeq + 1;
            Append(target, time);
            return Done(1, time, first);
        }
    }

    /// <summary>Removes a record; false when there was none. Delta feeds cannot show this, full files can.</summary>
    public bool Remove(string partNo)
    {
        lock (_gate)
        {
            if (FindLive(partNo) is not { } slot)
            {
                return false;
            }

            _live.Add(_seq[slot], -1);
            _seq[slot] = 0;
            _liveCount--;
            _lastModified = NextChangeTime();
            _version++;
            return true;
        }
    }

    internal string WarehouseName(byte index) => _warehouses[index];

    internal static string UomName(byte uom) => uom == 1 ? CaseUom : EachUom;

    /// <summary>Up to <paramref name="limit"/> live rows after sequence <paramref name="after"/> changed at/after <paramref name="since"/>.</summary>
    internal int ReadAfter(long after, long since, int limit, List<StockRow> into, out bool more, out long version)
    {
        lock (_gate)
        {
            version = _version;
            var p = (int)Math.Max(Math.Min(after, int.MaxValue - 1) + 1, FirstAtOrAfter(since));
            var added = 0;
            for (; p <= _lastSeq && added < limit; p++)
            {
                if (IsLive(p))
                {
                    into.Add(Row(p));
                    added++;
                }
            }

            more = p <= _lastSeq && _live.Prefix(_lastSeq) - _live.Prefix(p - 1) > 0;
            return added;
        }
    }

    /// <summary>The live records among <paramref name="partNos"/> changed at/after <paramref name="since"/>, in change order.</summary>
    internal int ReadParts(IEnumerable<string> partNos, long since, List<StockRow> into, out long version)
    {
        lock (_gate)
        {
            version = _version;
            var first = FirstAtOrAfter(since);
            var positions = new SortedSet<int>();
            foreach (var partNo in partNos)
            {
                if (FindLive(partNo) is { } slot && _seq[slot] >= first)
                {
                    positions.Add(_seq[slot]);
                }
            }

            foreach (var p in positions)
            {
                into.Add(Row(p));
            }

            return positions.Count;
        }
    }

    /// <summary>Rows <paramref name="skip"/>.. of the live records changed at/after <paramref name="since"/>, and their total.</summary>
    internal int ReadOffset(long since, long skip, int take, List<StockRow> into, out long version)
    {
        lock (_gate)
        {
            version = _version;
            var start = FirstAtOrAfter(since);
            var before = _live.Prefix(start - 1);
            var total = _liveCount - before;
            if (skip >= total)
            {
                return total;
            }

            var p = _live.FindKth(before + (int)skip + 1);
            for (; p <= _lastSeq && into.Count < take; p++)
            {
                if (IsLive(p))
                {
                    into.Add(Row(p));
                }
            }

            return total;
        }
    }

    /// <summary>Live rows cycling through the catalog in sequence order, for webhook pushes.</summary>
    internal List<StockRow> Sample(int count)
    {
        lock (_gate)
        {
            var rows = new List<StockRow>(count);
            if (_liveCount == 0)
            {
                return rows;
            }

            var p = 1;
            while (rows.Count < count)
            {
                if (p > _lastSeq)
                {
                    p = 1;
                }

                if (IsLive(p))
                {
                    rows.Add(Row(p));
                }

                p++;
            }

            return rows;
        }
    }

    private bool IsLive(int p) => _seq[_logSlot[p]] == p;

    private StockRow Row(int p)
    {
        var slot = _logSlot[p];
        return new StockRow(slot, p, PartNoOf(slot), _whse[slot], _uom[slot], _qty[slot], _price[slot], _logTime[p]);
    }

    private StockRecord ToRecord(int slot)
    {
        var seq = _seq[slot];
        return new StockRecord(
            PartNoOf(slot), _warehouses[_whse[slot]], _qty[slot], UomName(_uom[slot]), _price[slot], Currency,
            DateTimeOffset.FromUnixTimeSeconds(_logTime[seq]), seq);
    }

    // Generated names are formatted on demand rather than stored: a million strings would cost more than every other column.
    private string PartNoOf(int slot) =>
        _names?[slot] ?? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_prefix}{slot + 1:D6}");

    private int? FindLive(string partNo) => FindSlot(partNo) is { } slot && _seq[slot] != 0 ? slot : null;

    private int? FindSlot(string partNo)
    {
        if (_named.TryGetValue(partNo, out var named))
        {
            return named;
        }

        if (_generated > 0 && partNo.StartsWith(_prefix, StringComparison.Ordinal)
            && int.TryParse(partNo.AsSpan(_prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            && number >= 1 && number <= _generated && PartNoOf(number - 1) == partNo)
        {
            return number - 1;
        }

        return null;
    }

    private int NewSlot(string partNo)
    {
        if (_slots == _qty.Length)
        {
            var size = _qty.Length * 2;
            Array.Resize(ref _qty, size);
            Array.Resize(ref _price, size);
            Array.Resize(ref _whse, size);
            Array.Resize(ref _uom, size);
            Array.Resize(ref _seq, size);
            if (_names is not null)
            {
                Array.Resize(ref _names, size);
            }
        }

        var slot = _slots++;
        (_names ??= new string?[_qty.Length])[slot] = partNo;
        _named.Add(partNo, slot);
        return slot;
    }

    private void Mutate(int slot, long time)
    {
        var isCase = _uom[slot] == 1;
        var old = _qty[slot];
        var qty = NewQuantity(_changes, isCase);
        _qty[slot] = qty == old ? qty + 1 : qty;
        if (_changes.Next(3) == 0)
        {
            _price[slot] = NewPrice(_changes, isCase);
        }

        Append(slot, time);
    }

    private void Append(int slot, long time)
    {
        if (_seq[slot] != 0)
        {
            _live.Add(_seq[slot], -1);
        }

        var p = ++_lastSeq;
        if (p >= _logSlot.Length)
        {
            var size = _logSlot.Length * 2;
            Array.Resize(ref _logSlot, size);
            Array.Resize(ref _logTime, size);
            _logSlot[p] = slot;
            _seq[slot] = p;
            _live = LiveIndex.Build(size, i => i < p && IsLive(i));
        }

        _logSlot[p] = slot;
        _logTime[p] = time;
        _seq[slot] = p;
        _live.Add(p, 1);
    }

    private MutationResult Done(int count, long time, int first)
    {
        _version++;
        _lastModified = time;
        return new MutationResult(count, DateTimeOffset.FromUnixTimeSeconds(time), count == 0 ? 0 : first, count == 0 ? 0 : _lastSeq);
    }

    // Second resolution (what the feed prints) and strictly later than the previous batch, so every change moves updatedAt
    // forward even when a fake clock stands still.
    private long NextChangeTime()
    {
        var now = _clock.GetUtcNow().ToUnixTimeSeconds();
        return Math.Max(now, Math.Max(_lastModified, _lastSeq > 0 ? _logTime[_lastSeq] : 0) + 1);
    }

    private int FirstAtOrAfter(long since)
    {
        int lo = 1, hi = _lastSeq + 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) / 2);
            if (_logTime[mid] < since)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static int NewQuantity(Random rng, bool isCase) =>
        rng.Next(20) == 0 ? 0 : rng.Next(1, isCase ? 60 : 250);

    private static int NewPrice(Random rng, bool isCase) =>
        rng.Next(199, 50_000) * (isCase ? CaseSize : 1);

    /// <summary>Fenwick tree of live flags by log position (1-based).</summary>
    private sealed class LiveIndex
    {
        private readonly int[] _tree;

        private LiveIndex(int size) => _tree = new int[size + 1];

        public static LiveIndex Build(int size, Func<int, bool> live)
        {
            var index = new LiveIndex(size);
            var tree = index._tree;
            for (var i = 1; i < tree.Length; i++)
            {
                tree[i] += live(i) ? 1 : 0;
                var parent = i + (i & -i);
                if (parent < tree.Length)
                {
                    tree[parent] += tree[i];
                }
            }

            return index;
        }

        public void Add(int position, int delta)
        {
            for (var i = position; i < _tree.Length; i += i & -i)
            {
                _tree[i] += delta;
            }
        }

        public int Prefix(int position)
        {
            var sum = 0;
            for (var i = Math.Min(position, _tree.Length - 1); i > 0; i -= i & -i)
            {
                sum += _tree[i];
            }

            return sum;
        }

        /// <summary>The smallest position whose prefix count reaches k.</summary>
        public int FindKth(int k)
        {
            var position = 0;
            var step = 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)(_tree.Length - 1)));
            for (; step > 0; step >>= 1)
            {
                var next = position + step;
                if (next < _tree.Length && _tree[next] < k)
                {
                    position = next;
                    k -= _tree[next];
                }
            }

            return position + 1;
        }
    }
}
