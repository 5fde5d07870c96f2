using System.CommandLine;
using System.Globalization;
using Governance.Contracts.V1;

namespace Governance.Cli.Client;

/// <summary>
/// The WorklistService read commands (待办): the caller's worklist as a table, one incident's audit trail, and the
/// worklist's live changes. The host decides what the token may see, so the same command shows a grid worker its own
/// reports and the county centre its whole county.
/// </summary>
internal static class WorklistCommands
{
    /// <summary>The server's largest page; asking for more would be refused with INVALID_ARGUMENT.</summary>
    private const int MaxPageSize = 500;

    /// <summary>--state values spelled as the CLI spells enums elsewhere (resolved-on-spot), so a shown state can be typed back.</summary>
    private static readonly Dictionary<string, IncidentState> States = System.Enum.GetValues<IncidentState>()
        .Where(s => s != IncidentState.Unspecified)
        .ToDictionary(s => Display.Option(s), StringComparer.Ordinal);

    public static IEnumerable<Command> All() => [Worklist(), History(), Watch()];

    private static Command Worklist()
    {
        var state = new Option<string[]>("--state") { Description = "Only incidents in this state; repeat for several." }
            .AcceptOnlyFromAmong([.. States.Keys]);
        var department = new Option<string?>("--department") { Description = "Only incidents with an active assignment of this department, e.g. 330290-SFJ." };
        var region = new Option<string?>("--region") { Description = "Only incidents in this county, township, village or grid code." };
        var category = new Option<string?>("--category") { Description = "Only this category code." };
        var overdue = new Option<bool>("--overdue") { Description = "Only incidents past a deadline an active assignment awaits (超期)." };
        var supervised = new Option<bool>("--supervised") { Description = "Only incidents supervised (督办) at least once." };
        var limit = new Option<int>("--limit")
        {
            Description = "Show at most this many incidents, reading as many pages as that takes.",
            DefaultValueFactory = _ => 50,
        };
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("worklist", "List the incidents your token may see, newest report first, with their flags (ListIncidents).")
        {
            state, department, region, category, overdue, supervised, limit, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var max = parseResult.GetValue(limit);
            if (max < 1)
            {
                throw new CliUsageException("--limit must be a positive number of incidents.");
            }
            var filter = new ListIncidentsRequest
            {
                States = { (parseResult.GetValue(state) ?? []).Select(s => States[s]).Distinct() },
                DepartmentCode = parseResult.GetValue(department) ?? "",
                RegionCode = parseResult.GetValue(region) ?? "",
                CategoryCode = parseResult.GetValue(category) ?? "",
                OverdueOnly = parseResult.GetValue(overdue),
                SupervisedOnly = parseResult.GetValue(supervised),
            };
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var all = new ListIncidentsResponse();
            var first = true;
            do
            {
                var request = filter.Clone();
                request.PageSize = Math.Min(max - all.Incidents.Count, MaxPageSize);
                request.PageToken = all.NextPageToken;
                var page = await host.ListIncidentsAsync(request, cancellationToken).ConfigureAwait(false);
                // The first page's position: every change after it is either in a later page or would be sent again by
                // a watch resumed there, so resuming from it misses nothing; a later page's position could skip changes
                // to incidents already read.
                if (first)
                {
                    all.Position = page.Position;
                    first = false;
                }
                all.Incidents.AddRange(page.Incidents);
                all.NextPageToken = page.NextPageToken;
            }
            while (all.NextPageToken.Length > 0 && all.Incidents.Count < max);

            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(all));
                return ExitCodes.Ok;
            }
            if (all.Incidents.Count > 0)
            {
                var table = new TableWriter("ID", "STATE", "CATEGORY", "GRID", "LEAD", "HANDLE BY", "FLAGS");
                foreach (var i in all.Incidents)
                {
                    table.Add(i.IncidentId, Display.Name(i.State), i.CategoryCode, Display.OrDash(i.GridCode), Display.OrDash(i.LeadDepartmentCode),
                        Display.Time(i.HandleDeadline), Flags(i));
                }
                table.WriteTo(output.Out);
            }
            var more = all.NextPageToken.Length > 0 ? $"; more match, raise --limit (now {max}) to see them" : "";
            output.Line(string.Create(CultureInfo.InvariantCulture,
                $"{all.Incidents.Count} incidents at position {all.Position}{more}; 'governance watch --after {all.Position}' follows changes from here"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command History()
    {
        var id = new Argument<string>("id") { Description = "The incident id, as report printed it." };
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("history", "Show an incident's full audit trail: who (subject and role), when, through which client, and why (GetIncidentHistory).")
        {
            id, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var response = await host.GetIncidentHistoryAsync(new GetIncidentHistoryRequest { IncidentId = parseResult.GetValue(id)! }, cancellationToken)
                .ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(response));
                return ExitCodes.Ok;
            }
            var table = new TableWriter("VERSION", "POSITION", "AT", "WHAT", "BY", "CLIENT", "NOTE");
            foreach (var h in response.Entries)
            {
                table.Add(h.Version.ToString(CultureInfo.InvariantCulture), h.Position.ToString(CultureInfo.InvariantCulture), Display.Time(h.At), h.Type,
                    h.Actor is null ? "-" : $"{h.Actor.Subject} ({h.Actor.Role})", Display.OrDash(h.Client), Display.OrDash(h.Summary));
            }
            table.WriteTo(output.Out);
            output.Line(string.Create(CultureInfo.InvariantCulture, $"{response.Entries.Count} entries"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Watch()
    {
        var after = new Option<long>("--after")
        {
            Description = "Resume after this position (the last one a watch printed); 0 starts with every incident now in the worklist.",
        };
        var region = new Option<string?>("--region") { Description = "County centre or leader: watch only this region below your scope." };
        var count = new Option<int?>("--count") { Description = "Stop after this many changes; without it, watch until Ctrl+C." };
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("watch",
            "Follow changes to your worklist as they happen (WatchWorklist), one line each: position, event, incident, state, and whether it is in the worklist. " +
            "On exit it prints the last position, to resume with --after.")
        {
            after, region, count, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var max = parseResult.GetValue(count);
            var from = parseResult.GetValue(after);
            if (max < 1)
            {
                throw new CliUsageException("--count must be a positive number of changes.");
            }
            if (from < 0)
            {
                throw new CliUsageException("--after must be 0 or a position a watch or worklist printed.");
            }
            var request = new WatchWorklistRequest { AfterPosition = from, RegionCode = parseResult.GetValue(region) ?? "" };
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var last = from;
            var received = 0;
            try
            {
                await foreach (var change in host.WatchWorklistAsync(request, cancellationToken).ConfigureAwait(false))
                {
                    last = change.Position;
                    received++;
                    output.Line(parseResult.GetValue(json) ? Display.Json(change) : Line(change));
                    if (received == max)
                    {
                        break;
                    }
                }
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C is how a watch without --count ends, not a failure: what was printed is complete up to `last`.
                WriteResume(output, last);
                return ExitCodes.Ok;
            }
            catch
            {
                // A host that went away mid-watch: the operator still needs to know where to pick up.
                WriteResume(output, last);
                throw;
            }
            WriteResume(output, last);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>On stderr, so stdout stays one line (or JSON object) per change for a script reading it.</summary>
    private static void WriteResume(CommandOutput output, long last) =>
        output.Note(string.Create(CultureInfo.InvariantCulture, $"last position: {last}; resume with --after {last}"));

    private static string Line(WatchWorklistResponse change) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{change.Position} {change.EventType} {change.Incident?.IncidentId ?? "-"} {(change.Incident is null ? "-" : Display.Name(change.Incident.State))} {(change.InWorklist ? "in worklist" : "out of worklist")}");

    /// <summary>What needs attention beyond the state, in words, so the column reads without a legend.</summary>
    private static string Flags(IncidentSummary incident)
    {
        var flags = new List<string>();
        if (incident.Overdue)
        {
            flags.Add("overdue");
        }
        if (incident.Supervisions > 0)
        {
            flags.Add(string.Create(CultureInfo.InvariantCulture, $"supervised x{incident.Supervisions}"));
        }
        if (incident.CrossDepartment)
        {
            flags.Add("cross-department");
        }
        if (incident.Escalated)
        {
            flags.Add("escalated");
        }
        if (!string.IsNullOrEmpty(incident.LikelyDuplicateOfIncidentId))
        {
            flags.Add("duplicate-of " + incident.LikelyDuplicateOfIncidentId);
        }
        return flags.Count == 0 ? "-" : string.Join(", ", flags);
    }
}
