using Google.Protobuf.WellKnownTypes;
using Governance.Contracts.V1;

namespace Governance.Analytics.Benchmarks;

/// <summary>
/// A county-year of incidents shaped like 慈溪's: 20 townships × 12 villages × 7 grids (1,680 grids), 30 departments,
/// 40 categories over the four platforms, about 2,200 incidents a day. Lives are drawn with a fixed seed: most closed
/// on time, some late, some open or overdue, rejected, merged, resolved on the spot, returned and re-dispatched,
/// reworked, escalated, with assisting departments.
/// </summary>
internal static class SyntheticCounty
{
    public const string County = "330282";
    public static readonly DateTimeOffset YearStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.FromHours(8));
    public static readonly DateTimeOffset YearEnd = YearStart.AddYears(1);

    private static readonly Platform[] Platforms =
        [Platform.SocialGovernance, Platform.MarketSupervision, Platform.LawEnforcement, Platform.PublicServices];

    /// <summary>The final facts of <paramref name="count"/> incidents reported evenly over the year.</summary>
    public static IncidentFacts[] Incidents(int count, int seed = 2025)
    {
        var random = new Random(seed);
        var spacing = (YearEnd - YearStart) / count;
        var incidents = new IncidentFacts[count];
        for (var i = 0; i < count; i++)
        {
            incidents[i] = Life(random, $"inc-{i:0000000}", YearStart + (spacing * i));
        }
        return incidents;
    }

    /// <summary>
    /// About <paramref name="eventCount"/> incident-life events as the relay would publish them: each incident's steps
    /// spread over the hours after its report, interleaved with other incidents' in log order. Each event carries the
    /// facts at its version (the final facts, renumbered: what the projection does with them does not depend on them).
    /// </summary>
    public static IncidentLifeEvent[] Events(int eventCount, int seed = 2025)
    {
        var random = new Random(seed);
        var events = new List<(long At, IncidentLifeEvent Event)>(eventCount + 16);
        for (var i = 0; events.Count < eventCount; i++)
        {
            var reported = YearStart + TimeSpan.FromSeconds(i * 39);
            var final = Life(random, $"inc-{i:0000000}", reported);
            var steps = 3 + random.Next(6);
            for (var version = 1; version <= steps && events.Count < eventCount; version++)
            {
                var facts = final.Clone();
                facts.Version = version;
                var at = reported + TimeSpan.FromHours(version * 5);
                events.Add((at.UtcTicks, new IncidentLifeEvent
                {
                    EventId = $"{facts.IncidentId}/{version}",
                    IncidentId = facts.IncidentId,
                    IncidentVersion = version,
                    OccurredAt = Timestamp.FromDateTimeOffset(at),
                    By = new Actor { Subject = "bench", Role = "system" },
                    Incident = facts,
                    Dispatched = new IncidentDispatchedEvent { LeadDepartmentCode = facts.LeadDepartmentCode },
                }));
            }
        }
        var ordered = events.OrderBy(e => e.At).Select(e => e.Event).ToArray();
        for (var p = 0; p < ordered.Length; p++)
        {
            ordered[p].Position = p + 1;
        }
        return ordered;
    }

    private static IncidentFacts Life(Random random, string id, DateTimeOffset reported)
    {
        var township = 1 + random.Next(20);
        var village = 1 + random.Next(12);
        var grid = 1 + random.Next(7);
        var category = random.Next(40);
        var townshipCode = $"{County}{township:000}";
        var villageCode = $"{townshipCode}{village:000}";
        var facts = new IncidentFacts
        {
            IncidentId = id,
            Version = 1,
            Channel = Channel.App,
            CategoryCode = $"cat-{category:00}",
            CategoryName = $"category {category}",
            Platform = Platforms[category % 4],
            CountyCode = County,
            TownshipCode = townshipCode,
            VillageCode = villageCode,
            GridCode = $"{villageCode}{grid:000}",
            ReportedAt = Ts(reported),
            RegisteredAt = Ts(reported.AddMinutes(10)),
        };
        var roll = random.Next(100);
        if (roll < 3)
        {
            facts.State = IncidentState.Rejected;
            return facts;
        }
        if (roll < 5)
        {
            facts.State = IncidentState.Merged;
            facts.MergedInto = "inc-0000000";
            return facts;
        }
        if (roll < 15)
        {
            facts.State = IncidentState.ResolvedOnSpot;
            facts.ResolvedOnSpot = true;
            facts.ClosedAt = Ts(reported.AddMinutes(5 + random.Next(30)));
            return facts;
        }
        var dispatched = reported.AddMinutes(20 + random.Next(240));
        var limit = TimeSpan.FromHours(24 * (1 + random.Next(10)));
        var lead = $"dept-{category % 30:00}";
        var assignments = new List<AssignmentFacts>();
        AssignmentFacts Assign(string department, AssignmentRole role, DateTimeOffset at) => new()
        {
            DepartmentCode = department,
            Role = role,
            State = AssignmentState.Accepted,
            DispatchedAt = Ts(at),
            SignDeadline = Ts(at.AddHours(2)),
            AcceptedAt = Ts(at.AddMinutes(10 + random.Next(180))),
            HandleDeadline = Ts(at + limit),
            HandleWarningAt = Ts(at + (limit * 0.8)),
        };
        var current = Assign(lead, AssignmentRole.Lead, dispatched);
        assignments.Add(current);
        if (random.Next(100) < 5)
        {
            // Returned and re-dispatched to another department.
            current.State = AssignmentState.Returned;
            current.ReturnedAt = Ts(dispatched.AddHours(3));
            facts.Returns = 1;
            lead = $"dept-{(category + 7) % 30:00}";
            current = Assign(lead, AssignmentRole.Lead, dispatched.AddHours(4));
            assignments.Add(current);
        }
        if (random.Next(100) < 10)
        {
            assignments.Add(Assign($"dept-{(category + 13) % 30:00}", AssignmentRole.Assist, dispatched));
        }
        var deadline = current.HandleDeadline.ToDateTimeOffset();
        var outcome = random.Next(100);
        facts.FirstDispatchedAt = Ts(dispatched);
        facts.HandleDeadline = current.HandleDeadline;
        facts.HandleWarningAt = current.HandleWarningAt;
        facts.LeadDepartmentCode = lead;
        facts.Escalated = random.Next(100) < 4;
        facts.Supervisions = random.Next(100) < 8 ? 1 + random.Next(3) : 0;
        if (outcome < 90)
        {
            var span = deadline - dispatched;
            var closed = outcome < 80 ? dispatched + (span * random.NextDouble()) : deadline + TimeSpan.FromHours(1 + random.Next(72));
            foreach (var assignment in assignments.Where(a => a.State == AssignmentState.Accepted))
            {
                assignment.State = AssignmentState.Handled;
                assignment.HandledAt = Ts(closed.AddHours(-2));
            }
            if (random.Next(100) < 6)
            {
                facts.Verifications.Add(new VerificationFacts { At = Ts(closed.AddHours(-3)), Passed = false });
                current.Reworks = 1;
            }
            facts.Verifications.Add(new VerificationFacts { At = Ts(closed.AddHours(-1)), Passed = true });
            facts.ClosedAt = Ts(closed);
            facts.State = IncidentState.Closed;
        }
        else
        {
            facts.State = IncidentState.Accepted;
        }
        facts.Assignments.Add(assignments);
        var involved = assignments.Select(a => a.DepartmentCode).Distinct().Order(StringComparer.Ordinal).ToList();
        facts.DepartmentsInvolved.Add(involved);
        facts.CrossDepartment = involved.Count >= 2;
        return facts;
    }

    private static Timestamp Ts(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);
}
