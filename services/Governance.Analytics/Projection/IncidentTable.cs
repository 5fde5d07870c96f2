using System.Collections;
using Governance.Contracts.V1;

namespace Governance.Analytics.Projection;

/// <summary>
/// The projected incidents of one snapshot: an immutable array of fixed-size chunks, copied on write. A commit
/// copies the chunk index (one reference per 256 incidents) and each chunk it changes; new incidents fill slots past
/// every older table's count, which no older reader looks at, so appending copies nothing. Reading is a walk over
/// arrays: cheaper than any tree, and the rate engine walks every incident on every query.
/// </summary>
public sealed class IncidentTable : IReadOnlyCollection<IncidentFacts>
{
    internal const int ChunkBits = 8;
    internal const int ChunkSize = 1 << ChunkBits;

    public static readonly IncidentTable Empty = new([], 0);

    private readonly IncidentFacts[][] _chunks;

    private IncidentTable(IncidentFacts[][] chunks, int count)
    {
        _chunks = chunks;
        Count = count;
    }

    public int Count { get; }

    public IncidentFacts this[int slot] =>
        (uint)slot < (uint)Count ? _chunks[slot >> ChunkBits][slot & (ChunkSize - 1)] : throw new ArgumentOutOfRangeException(nameof(slot));

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<IncidentFacts> IEnumerable<IncidentFacts>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>A builder of the next table, starting from this one; this table never changes.</summary>
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

        public readonly IncidentFacts Current => _table._chunks[_slot >> ChunkBits][_slot & (ChunkSize - 1)];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_slot < _table.Count;

        public void Reset() => _slot = -1;

        public readonly void Dispose()
        {
        }
    }

    /// <summary>
    /// Changes for one commit. Only the writer uses it; <see cref="ToTable"/> ends it. A chunk shared with an older
    /// table is copied before a slot below that table's count is replaced.
    /// </summary>
    internal sealed class Builder
    {
        private readonly IncidentTable _origin;
        private IncidentFacts[][] _chunks;
        private bool _ownsIndex;
        private HashSet<int>? _ownedChunks;
        private int _count;

        public Builder(IncidentTable origin)
        {
            _origin = origin;
            _chunks = origin._chunks;
            _count = origin.Count;
        }

        public int Count => _count;

        /// <summary>Adds an incident at the next slot and returns the slot.</summary>
        public int Add(IncidentFacts facts)
        {
            ArgumentNullException.ThrowIfNull(facts);
            var slot = _count;
            var chunk = slot >> ChunkBits;
            if (chunk == _chunks.Length)
            {
                OwnIndex(chunk + 1);
                _chunks[chunk] = new IncidentFacts[ChunkSize];
                (_ownedChunks ??= []).Add(chunk);
            }
            // Slots at or past the origin's count are invisible to every older table, so the chunk need not be copied.
            _chunks[chunk][slot & (ChunkSize - 1)] = facts;
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
                OwnIndex(_chunks.Length);
                _chunks[chunk] = (IncidentFacts[])_chunks[chunk].Clone();
                (_ownedChunks ??= []).Add(chunk);
            }
            _chunks[chunk][slot & (ChunkSize - 1)] = facts;
        }

        public IncidentTable ToTable() => _count == _origin.Count && !_ownsIndex ? _origin : new IncidentTable(_chunks, _count);

        private void OwnIndex(int length)
        {
            if (!_ownsIndex || _chunks.Length < length)
            {
                var index = new IncidentFacts[Math.Max(length, _chunks.Length)][];
                Array.Copy(_chunks, index, _chunks.Length);
                _chunks = index;
                _ownsIndex = true;
            }
        }
    }
}
