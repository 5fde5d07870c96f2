using System.Collections;
using Governance.Contracts.V1;

namespace Governance.Analytics.Rates;

/// <summary>
/// The projected incidents of one snapshot, as the rate engine reads them: each incident's facts and its
/// <see cref="CompactIncident"/> row, in an immutable array of fixed-size chunks copied on write. A commit copies the
/// chunk index (one reference per 256 incidents) and each chunk it changes; new incidents fill slots past every
/// older table's count, which no older reader looks at, so appending copies nothing. Reading is a walk over arrays.
/// </summary>
public sealed class IncidentTable : IReadOnlyCollection<IncidentFacts>
{
    internal const int ChunkBits = 8;
    internal const int ChunkSize = 1 << ChunkBits;

    public static readonly IncidentTable Empty = new([], [], 0, new CodeBook());

    private readonly IncidentFacts[][] _facts;
    private readonly CompactIncident[][] _rows;

    // The book is the writer's (only a builder adds to it); readers use Codes, fixed when this table was made.
    private readonly CodeBook _book;

    private IncidentTable(IncidentFacts[][] facts, CompactIncident[][] rows, int count, CodeBook book)
    {
        _facts = facts;
        _rows = rows;
        Count = count;
        _book = book;
        Codes = book.View;
    }

    public int Count { get; }

    internal CodeView Codes { get; }

    internal int ChunkCount => (Count + ChunkSize - 1) >> ChunkBits;

    public IncidentFacts this[int slot] =>
        (uint)slot < (uint)Count ? _facts[slot >> ChunkBits][slot & (ChunkSize - 1)] : throw new ArgumentOutOfRangeException(nameof(slot));

    /// <summary>A table of the given facts (each incident once), for the engine to count.</summary>
    public static IncidentTable Of(IEnumerable<IncidentFacts> incidents)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (incidents is IncidentTable table)
        {
            return table;
        }
        var builder = Empty.ToBuilder();
        foreach (var incident in incidents)
        {
            builder.Add(incident);
        }
        return builder.ToTable();
    }

    /// <summary>The rows of one chunk, the last one cut to the table's count.</summary>
    internal ReadOnlySpan<CompactIncident> RowsOf(int chunk) =>
        _rows[chunk].AsSpan(0, Math.Min(ChunkSize, Count - (chunk << ChunkBits)));

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<IncidentFacts> IEnumerable<IncidentFacts>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A builder of the next table, starting from this one; this table never changes. The writer's alone.</summary>
    internal Builder ToBuilder() => new(this);

    public struct Enumerator : IEnumerator<IncidentFacts>
    {
        private readonly IncidentTable _table;
        private int _slot;

        internal Enumerator(IncidentTable table)
        {
            _table = table;
            _slot = -1;
        }

        public readonly IncidentFacts Current => _table._facts[_slot >> ChunkBits][_slot & (ChunkSize - 1)];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_slot < _table.Count;

        public void Reset() => _slot = -1;

        public readonly void Dispose()
        {
        }
    }

    /// <summary>
    /// Changes for one commit; <see cref="ToTable"/> ends it. A chunk shared with an older table is copied before a
    /// slot below that table's count is replaced.
    /// </summary>
    internal sealed class Builder
    {
        private readonly IncidentTable _origin;
        private readonly CodeBook _book;
        private IncidentFacts[][] _facts;
        private CompactIncident[][] _rows;
        private bool _ownsIndex;
        private HashSet<int>? _ownedChunks;
        private int _count;

        public Builder(IncidentTable origin)
        {
            _origin = origin;
            // A table built from nothing gets a book of its own, so two projections (or queries) never share one.
            _book = origin.Count == 0 ? new CodeBook() : origin._book;
            _facts = origin._facts;
            _rows = origin._rows;
            _count = origin.Count;
        }

        public int Count => _count;

        /// <summary>Adds an incident at the next slot and returns the slot.</summary>
        public int Add(IncidentFacts facts)
        {
            ArgumentNullException.ThrowIfNull(facts);
            var slot = _count;
            var chunk = slot >> ChunkBits;
            if (chunk == _facts.Length)
            {
                OwnIndex(chunk + 1);
                _facts[chunk] = new IncidentFacts[ChunkSize];
                _rows[chunk] = new CompactIncident[ChunkSize];
                (_ownedChunks ??= []).Add(chunk);
            }
            // Slots at or past the origin's count are invisible to every older table, so the chunk need not be copied.
            Put(chunk, slot, facts);
            _count++;
            return slot;
        }

        public void Set(int slot, IncidentFacts facts)
        {
            ArgumentNullException.ThrowIfNull(facts);
            if ((uint)slot >= (uint)_count)
            {
                throw new ArgumentOutOfRangeException(nameof(slot));
            }
            var chunk = slot >> ChunkBits;
            if (slot < _origin.Count && !(_ownedChunks?.Contains(chunk) ?? false))
            {
                OwnIndex(_facts.Length);
                _facts[chunk] = (IncidentFacts[])_facts[chunk].Clone();
                _rows[chunk] = (CompactIncident[])_rows[chunk].Clone();
                (_ownedChunks ??= []).Add(chunk);
            }
            Put(chunk, slot, facts);
        }

        public IncidentTable ToTable() =>
            _count == _origin.Count && !_ownsIndex ? _origin : new IncidentTable(_facts, _rows, _count, _book);

        private void Put(int chunk, int slot, IncidentFacts facts)
        {
            _facts[chunk][slot & (ChunkSize - 1)] = facts;
            _rows[chunk][slot & (ChunkSize - 1)] = CompactIncident.Of(facts, _book);
        }

        private void OwnIndex(int length)
        {
            if (!_ownsIndex || _facts.Length < length)
            {
                var size = Math.Max(length, _facts.Length);
                var facts = new IncidentFacts[size][];
                var rows = new CompactIncident[size][];
                Array.Copy(_facts, facts, _facts.Length);
                Array.Copy(_rows, rows, _rows.Length);
                _facts = facts;
                _rows = rows;
                _ownsIndex = true;
            }
        }
    }
}
