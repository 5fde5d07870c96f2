using Governance.Contracts.V1;

namespace Governance.Analytics.Rates;

/// <summary>
/// What the rate engine reads of one incident, flattened: instants as <see cref="Moments"/>, codes as ids of the
/// table's <see cref="CodeBook"/>. Built once when the incident's facts change, so a query walks ~100 bytes an
/// incident instead of the ~1.4 kB object graph of its protobuf facts (a county-year of facts is over a gigabyte,
/// and walking it is what made a query cost hundreds of milliseconds).
/// </summary>
internal struct CompactIncident
{
    public long Reported;
    public long Closed;
    public long Deadline;
    public long Warning;
    public long FirstDispatched;
    public int Region;
    public int Township;
    public int Village;
    public int Grid;
    public int Category;
    public int Lead;
    public Platform Platform;
    public bool IsCase;
    public bool CrossDepartment;
    public bool Escalated;
    public bool Supervised;
    public CompactAssignment[]? Assignments;
    public CompactVerification[]? Verifications;

    public static CompactIncident Of(IncidentFacts facts, CodeBook codes)
    {
        var row = new CompactIncident
        {
            Reported = Moments.Of(facts.ReportedAt),
            Closed = Moments.Of(facts.ClosedAt),
            Deadline = Moments.Of(facts.HandleDeadline),
            Warning = Moments.Of(facts.HandleWarningAt),
            FirstDispatched = Moments.Of(facts.FirstDispatchedAt),
            Region = codes.IdOf(MostSpecificRegion(facts)),
            Township = codes.IdOf(facts.TownshipCode),
            Village = codes.IdOf(facts.VillageCode),
            Grid = codes.IdOf(facts.GridCode),
            Category = codes.IdOf(facts.CategoryCode),
            Lead = codes.IdOf(facts.LeadDepartmentCode),
            Platform = facts.Platform,
            // Rejected and merged incidents are never cases (they have no deadline or assignment anyway).
            IsCase = facts.State is not (IncidentState.Rejected or IncidentState.Merged),
            CrossDepartment = facts.CrossDepartment,
            Escalated = facts.Escalated,
            Supervised = facts.Supervisions > 0,
        };
        if (facts.Assignments.Count > 0)
        {
            row.Assignments = new CompactAssignment[facts.Assignments.Count];
            for (var i = 0; i < row.Assignments.Length; i++)
            {
                var a = facts.Assignments[i];
                row.Assignments[i] = new CompactAssignment
                {
                    Dispatched = Moments.Of(a.DispatchedAt),
                    SignDeadline = Moments.Of(a.SignDeadline),
                    Accepted = Moments.Of(a.AcceptedAt),
                    HandleDeadline = Moments.Of(a.HandleDeadline),
                    Handled = Moments.Of(a.HandledAt),
                    Returned = Moments.Of(a.ReturnedAt),
                    Department = codes.IdOf(a.DepartmentCode),
                    Withdrawn = WithdrawnAt(a),
                };
            }
        }
        if (facts.Verifications.Count > 0)
        {
            row.Verifications = new CompactVerification[facts.Verifications.Count];
            for (var i = 0; i < row.Verifications.Length; i++)
            {
                row.Verifications[i] = new CompactVerification(Moments.Of(facts.Verifications[i].At), facts.Verifications[i].Passed);
            }
        }
        return row;
    }

    /// <summary>
    /// When the assignment was withdrawn, or <see cref="Moments.None"/>. Facts published before withdrawn_at existed
    /// say only that it is withdrawn: it is then taken as withdrawn when dispatched, which keeps the rule those facts
    /// were counted by (withdrawn unsigned or unhandled: left out). A rebuild from the log gives every one its time.
    /// </summary>
    private static long WithdrawnAt(AssignmentFacts a) =>
        a.State != AssignmentState.Withdrawn ? Moments.None
        : a.WithdrawnAt is { } at ? Moments.Of(at)
        : Moments.Of(a.DispatchedAt);

    /// <summary>The grid code, else the village's, else the township's, else the county's: what a region filter matches.</summary>
    private static string MostSpecificRegion(IncidentFacts facts) =>
        facts.GridCode.Length > 0 ? facts.GridCode
        : facts.VillageCode.Length > 0 ? facts.VillageCode
        : facts.TownshipCode.Length > 0 ? facts.TownshipCode
        : facts.CountyCode;
}

internal struct CompactAssignment
{
    public long Dispatched;
    public long SignDeadline;
    public long Accepted;
    public long HandleDeadline;
    public long Handled;
    public long Returned;
    public int Department;
    public long Withdrawn;
}

internal readonly record struct CompactVerification(long At, bool Passed);

/// <summary>
/// Region, department and category codes as small ids, so the engine compares ints and groups a ranking by array
/// index. Append-only: ids never change, and a code added after a snapshot lies past that snapshot's
/// <see cref="CodeView.Count"/>, where its readers never look. Only the table's writer adds.
/// </summary>
internal sealed class CodeBook
{
    /// <summary>The id of an empty code (no township, no lead department yet).</summary>
    public const int None = -1;

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private string[] _codes = new string[64];
    private int _count;

    public CodeView View => new(_codes, _count);

    public int IdOf(string code)
    {
        if (code.Length == 0)
        {
            return None;
        }
        if (_ids.TryGetValue(code, out var id))
        {
            return id;
        }
        if (_count == _codes.Length)
        {
            // A new array, so views handed out earlier keep theirs.
            Array.Resize(ref _codes, _codes.Length * 2);
        }
        _codes[_count] = code;
        _ids.Add(code, _count);
        return _count++;
    }
}

/// <summary>The codes as of one table: ids 0 .. <see cref="Count"/> − 1.</summary>
internal readonly record struct CodeView(string[] Codes, int Count)
{
    public string this[int id] => Codes[id];

    /// <summary>The id of <paramref name="code"/>, or <see cref="CodeBook.None"/> when no incident has it.</summary>
    public int Find(string code)
    {
        for (var id = 0; id < Count; id++)
        {
            if (string.Equals(Codes[id], code, StringComparison.Ordinal))
            {
                return id;
            }
        }
        return CodeBook.None;
    }
}
