using System.CommandLine;
using System.Globalization;
using Governance.Contracts.V1;

namespace Governance.Cli.Client;

/// <summary>Commands that call a running host over gRPC and print its answer as text, or as protobuf JSON with --json.</summary>
internal static class ClientCommands
{
    public static IEnumerable<Command> All() => [Report(), Lookup(), Categories(), IncidentCommand(), Grids()];

    private static Command Report()
    {
        var reporter = new Option<string>("--reporter") { Description = "The reporter's id (grid worker, hotline operator or sensor id).", Required = true };
        var category = new Option<string>("--category") { Description = "The category code; 'governance categories' lists them.", Required = true };
        var description = new Option<string>("--description") { Description = "What was seen, in the reporter's words.", Required = true };
        var lon = new Option<double>("--lon") { Description = "Longitude in decimal degrees.", Required = true };
        var lat = new Option<double>("--lat") { Description = "Latitude in decimal degrees.", Required = true };
        var crs = CommonOptions.Crs("The frame of --lon/--lat: wgs84 for phone GPS, gcj02 for a point picked on AMap or Tencent maps.");
        var channel = new Option<string>("--channel")
        {
            Description = "How the report arrived.",
            DefaultValueFactory = _ => "app",
        }.AcceptOnlyFromAmong("app", "hotline", "sensor", "citizen");
        var clientId = new Option<string?>("--client-id")
        {
            Description = "The report's idempotency key. Omitted: a new GUID, printed so the same report can be retried with it.",
        };
        var accuracy = new Option<double>("--accuracy") { Description = "The device's horizontal accuracy in metres; 0 when unknown." };
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("report", "Report an incident (ReportIncident) and show where it was routed and its deadlines.")
        {
            reporter, category, description, lon, lat, crs, channel, clientId, accuracy, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var given = parseResult.GetValue(clientId);
            var id = string.IsNullOrEmpty(given) ? Guid.NewGuid().ToString() : given;
            var request = new ReportIncidentRequest
            {
                ClientReportId = id,
                ReporterId = parseResult.GetValue(reporter)!,
                CategoryCode = parseResult.GetValue(category)!,
                Description = parseResult.GetValue(description)!,
                Location = new Location
                {
                    Point = new GeoPoint { Longitude = parseResult.GetValue(lon), Latitude = parseResult.GetValue(lat) },
                    CoordinateSystem = CommonOptions.ToContract(parseResult.GetValue(crs)),
                    AccuracyMeters = parseResult.GetValue(accuracy),
                },
                Channel = parseResult.GetValue(channel) switch
                {
                    "hotline" => Channel.Hotline12345,
                    "sensor" => Channel.Sensor,
                    "citizen" => Channel.Citizen,
                    _ => Channel.App,
                },
            };
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var response = await host.ReportIncidentAsync(request, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(response));
                return ExitCodes.Ok;
            }
            var incident = response.Incident;
            var lines = new KeyValueWriter(output.Out);
            lines.Add("incident", incident.IncidentId);
            lines.Add("result", response.Created
                ? "created"
                : "retry: this client id was reported before; the stored incident is shown and nothing new was written");
            lines.Add("client id", string.IsNullOrEmpty(given) ? $"{id} (generated; to retry this same report pass --client-id {id})" : id);
            lines.Add("state", Display.State(incident.State));
            lines.Add("category", incident.CategoryCode);
            WriteRouting(lines, incident.Routing);
            WriteDeadlines(lines, incident);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Lookup()
    {
        var lon = new Option<double>("--lon") { Description = "Longitude in decimal degrees.", Required = true };
        var lat = new Option<double>("--lat") { Description = "Latitude in decimal degrees.", Required = true };
        var crs = CommonOptions.Crs("The frame of --lon/--lat: wgs84 (GPS) or gcj02 (AMap, Tencent).");
        var category = new Option<string?>("--category") { Description = "A category code: also name the responsible department and the rule that chose it." };
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("lookup", "Find the grid, village, township and county of a point (LookupLocation); with --category, who is responsible.")
        {
            lon, lat, crs, category, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var request = new LookupLocationRequest
            {
                Location = new Location
                {
                    Point = new GeoPoint { Longitude = parseResult.GetValue(lon), Latitude = parseResult.GetValue(lat) },
                    CoordinateSystem = CommonOptions.ToContract(parseResult.GetValue(crs)),
                },
                CategoryCode = parseResult.GetValue(category) ?? "",
            };
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var response = await host.LookupLocationAsync(request, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(response));
                return ExitCodes.Ok;
            }
            WriteRouting(new KeyValueWriter(output.Out), response.Routing);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Categories()
    {
        var platform = new Option<string?>("--platform")
        {
            Description = "Only the categories of one of the four platforms (四平台).",
        }.AcceptOnlyFromAmong("social-governance", "market-supervision", "law-enforcement", "public-services");
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("categories", "List the categories (事项) a report may name, with their time limits (ListCategories).")
        {
            platform, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var request = new ListCategoriesRequest
            {
                Platform = parseResult.GetValue(platform) switch
                {
                    "social-governance" => Platform.SocialGovernance,
                    "market-supervision" => Platform.MarketSupervision,
                    "law-enforcement" => Platform.LawEnforcement,
                    "public-services" => Platform.PublicServices,
                    _ => Platform.Unspecified,
                },
            };
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var response = await host.ListCategoriesAsync(request, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(response));
                return ExitCodes.Ok;
            }
            var table = new TableWriter("CODE", "NAME", "PLATFORM", "SIGN WITHIN", "HANDLE WITHIN", "AUTO-DISPATCH");
            foreach (var c in response.Categories)
            {
                table.Add(c.Code, c.Name, Display.Option(c.Platform), Display.Limit(c.SignLimit), Display.Limit(c.HandleLimit), c.AutoDispatch ? "yes" : "no");
            }
            table.WriteTo(output.Out);
            output.Line(string.Create(CultureInfo.InvariantCulture, $"{response.Categories.Count} categories"));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command IncidentCommand()
    {
        var id = new Argument<string>("id") { Description = "The incident id, as report printed it." };
        var crs = CommonOptions.Crs("The frame to show the incident's point in.");
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("incident", "Show one incident with its routing, assignments, deadlines and history (GetIncident).")
        {
            id, crs, address, token, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var request = new GetIncidentRequest
            {
                IncidentId = parseResult.GetValue(id)!,
                CoordinateSystem = CommonOptions.ToContract(parseResult.GetValue(crs)),
            };
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var response = await host.GetIncidentAsync(request, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(response));
                return ExitCodes.Ok;
            }
            var incident = response.Incident;
            var lines = new KeyValueWriter(output.Out);
            lines.Add("incident", incident.IncidentId);
            lines.Add("state", Display.State(incident.State));
            lines.Add("version", incident.Version.ToString(CultureInfo.InvariantCulture));
            lines.Add("category", incident.CategoryCode);
            lines.Add("description", incident.Description);
            lines.Add("reporter", $"{incident.ReporterId} via {Display.Name(incident.Channel)} (client id {incident.ClientReportId})");
            lines.Add("reported in", incident.ReportedLocation is { } reported
                ? $"{Display.Point(reported.Point)} ({Display.Name(reported.CoordinateSystem)})"
                : "-");
            lines.Add("point", $"{Display.Point(incident.Point)} ({Display.Name(request.CoordinateSystem)})");
            WriteRouting(lines, incident.Routing);
            lines.Add("occurred at", Display.Time(incident.OccurredAt));
            WriteDeadlines(lines, incident);
            if (incident.RegisteredAt is not null)
            {
                lines.Add("registered", Display.Time(incident.RegisteredAt));
            }
            if (incident.ClosedAt is not null)
            {
                lines.Add("closed", Display.Time(incident.ClosedAt));
            }
            if (incident.Photos.Count > 0)
            {
                lines.Add("photos", string.Join(", ", incident.Photos.Select(p => p.PhotoId)));
            }
            if (incident.Assignments.Count > 0)
            {
                output.Line();
                output.Line("assignments:");
                var assignments = new TableWriter("ROLE", "DEPARTMENT", "STATE", "DISPATCHED", "SIGN BY", "HANDLE BY");
                foreach (var a in incident.Assignments)
                {
                    assignments.Add(Display.Name(a.Role), a.DepartmentCode, Display.Name(a.State), Display.Time(a.DispatchedAt), Display.Time(a.SignDeadline), Display.Time(a.HandleDeadline));
                }
                assignments.WriteTo(output.Out, "  ");
            }
            output.Line();
            output.Line("history:");
            var history = new TableWriter("VERSION", "AT", "WHAT", "BY", "NOTE");
            foreach (var h in incident.History)
            {
                history.Add(h.Version.ToString(CultureInfo.InvariantCulture), Display.Time(h.At), h.Type, h.Actor is null ? "-" : $"{h.Actor.Subject} ({h.Actor.Role})", h.Summary);
            }
            history.WriteTo(output.Out, "  ");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Grids()
    {
        var region = new Option<string?>("--region") { Description = "Only grids under this county, township or village code." };
        var limit = new Option<int>("--limit")
        {
            Description = "Print at most this many grids (0: all). The total is always counted.",
            DefaultValueFactory = _ => 20,
        };
        var crs = CommonOptions.Crs("The frame of the interior points shown.");
        var address = CommonOptions.Address();
        var bearer = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command("grids", "Count and list the grids (ListGrids, every page).")
        {
            region, limit, crs, address, bearer, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var max = parseResult.GetValue(limit);
            if (max < 0)
            {
                throw new CliUsageException("--limit must be 0 (all) or a positive number of grids.");
            }
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(bearer)));
            var all = new ListGridsResponse();
            var token = "";
            do
            {
                var page = await host.ListGridsAsync(new ListGridsRequest
                {
                    RegionCode = parseResult.GetValue(region) ?? "",
                    PageSize = 1000,
                    PageToken = token,
                    CoordinateSystem = CommonOptions.ToContract(parseResult.GetValue(crs)),
                }, cancellationToken).ConfigureAwait(false);
                all.TotalCount = page.TotalCount;
                all.Grids.AddRange(max == 0 ? page.Grids : page.Grids.Take(max - all.Grids.Count));
                token = page.NextPageToken;
            }
            while (token.Length > 0 && (max == 0 || all.Grids.Count < max));

            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(all));
                return ExitCodes.Ok;
            }
            var where = string.IsNullOrEmpty(parseResult.GetValue(region)) ? "" : $" under {parseResult.GetValue(region)}";
            output.Line(string.Create(CultureInfo.InvariantCulture, $"{all.TotalCount} grids{where}"));
            if (all.Grids.Count > 0)
            {
                var table = new TableWriter("CODE", "NAME", "VILLAGE", "TOWNSHIP", "INTERIOR POINT");
                foreach (var g in all.Grids)
                {
                    table.Add(g.Code, g.Name, g.Village?.Name ?? "-", g.Township?.Name ?? "-", Display.Point(g.InteriorPoint));
                }
                table.WriteTo(output.Out);
            }
            if (all.Grids.Count < all.TotalCount)
            {
                output.Line(string.Create(CultureInfo.InvariantCulture, $"... {all.TotalCount - all.Grids.Count} more; --limit 0 lists all"));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Where a point fell and, when a category was given, who takes it and why.</summary>
    private static void WriteRouting(KeyValueWriter lines, Routing? routing)
    {
        if (routing is null)
        {
            lines.Add("routing", "-");
            return;
        }
        lines.Add("match", Display.Match(routing));
        var levels = new List<(string Key, string Code)>();
        foreach (var (key, code) in new[] { ("grid", routing.GridCode), ("village", routing.VillageCode), ("township", routing.TownshipCode), ("county", routing.CountyCode) })
        {
            if (!string.IsNullOrEmpty(code))
            {
                levels.Add((key, code));
            }
        }
        // The server sends a name for every code it knows, in the same order; when one is missing the names can no
        // longer be paired with their codes, so they are shown together instead.
        var names = routing.RegionNames;
        var paired = names.Count == levels.Count;
        for (var i = 0; i < levels.Count; i++)
        {
            lines.Add(levels[i].Key, paired ? $"{levels[i].Code} {names[i]}" : levels[i].Code);
        }
        if (!paired && names.Count > 0)
        {
            lines.Add("place", string.Join(" / ", names));
        }
        if (!string.IsNullOrEmpty(routing.Reason))
        {
            lines.Add("reason", routing.Reason);
        }
        if (!string.IsNullOrEmpty(routing.DepartmentCode))
        {
            lines.Add("department", routing.DepartmentCode);
            lines.Add("rule", $"{Display.Name(routing.RuleScope).ToLowerInvariant().Replace('_', ' ')} {routing.RuleRegionCode}".TrimEnd());
            lines.Add("explanation", routing.Explanation);
        }
    }

    private static void WriteDeadlines(KeyValueWriter lines, Incident incident)
    {
        lines.Add("reported at", Display.Time(incident.ReportedAt));
        var lead = incident.Assignments.FirstOrDefault(a => a.Role == AssignmentRole.Lead);
        if (lead is null)
        {
            lines.Add("deadlines", "none yet: the deadlines start when the command centre dispatches it");
            return;
        }
        lines.Add("dispatched", Display.Time(lead.DispatchedAt));
        lines.Add("sign by", Display.Time(lead.SignDeadline));
        lines.Add("handle by", Display.Time(incident.HandleDeadline ?? lead.HandleDeadline));
    }
}
