using Google.Protobuf.WellKnownTypes;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using Governance.Domain.Routing;
using Governance.Incidents.Registry;
using Governance.Incidents.Routing;
using C = Governance.Contracts.V1;
using Geo = Governance.Geography;

namespace Governance.Incidents.Api;

/// <summary>Domain records to wire messages. One place, so every RPC shows an incident the same way.</summary>
internal static class ContractMapping
{
    public static C.Incident ToContract(Incident incident, Geo.CoordinateSystem output, RegistryView view, DateTimeOffset now)
    {
        var point = Geo.ChinaCoordinates.FromWgs84(new Geo.GeoPoint(incident.Location.Longitude, incident.Location.Latitude), output);
        var message = new C.Incident
        {
            IncidentId = incident.Id,
            State = ToContract(incident.State),
            Version = incident.Version,
            ReporterId = incident.Reporter.SubjectId,
            ClientReportId = incident.ClientReportId,
            Channel = ToContract(incident.Channel),
            CategoryCode = incident.Category.Code,
            Description = incident.Description,
            ReportedLocation = new C.Location
            {
                // The point as the reporter sent it: converted back to their frame.
                Point = ToContract(Geo.ChinaCoordinates.FromWgs84(new Geo.GeoPoint(incident.Location.Longitude, incident.Location.Latitude),
                    incident.Location.ReportedIn == CoordinateSystem.Gcj02 ? Geo.CoordinateSystem.Gcj02 : Geo.CoordinateSystem.Wgs84)),
                CoordinateSystem = incident.Location.ReportedIn == CoordinateSystem.Gcj02 ? C.CoordinateSystem.Gcj02 : C.CoordinateSystem.Wgs84,
                AccuracyMeters = incident.Location.AccuracyMetres ?? 0,
            },
            Point = ToContract(point),
            Routing = ToContract(incident.Routing, view),
            OccurredAt = Timestamp.FromDateTimeOffset(incident.OccurredAt),
            ReportedAt = Timestamp.FromDateTimeOffset(incident.ReportedAt),
            CrossDepartment = incident.CrossDepartment,
            Escalated = incident.Escalated,
            Supervisions = incident.Supervisions,
            Returns = incident.Returns,
            FailedVerifications = incident.FailedVerifications,
            Reopens = incident.Reopens,
            MergedIntoIncidentId = incident.MergedInto ?? "",
            LikelyDuplicateOfIncidentId = incident.LikelyDuplicateOf?.IncidentId ?? "",
            LikelyDuplicateDistanceMeters = incident.LikelyDuplicateOf?.DistanceMetres ?? 0,
            Overdue = incident.IsOpen && incident.IsOverdue(now),
        };
        message.MergedIncidentIds.Add(incident.MergedDuplicates);
        message.DepartmentsInvolved.Add(incident.DepartmentsInvolved);
        if (incident.ClosedAt is { } closed)
        {
            message.ClosedAt = Timestamp.FromDateTimeOffset(closed);
        }
        if (incident.RegisteredAt is { } registered)
        {
            message.RegisteredAt = Timestamp.FromDateTimeOffset(registered);
        }
        // Active assignments first (lead, then assistants), then the returned and withdrawn ones for the record.
        foreach (var assignment in incident.Assignments.OrderBy(a => a.IsActive ? 0 : 1).ThenBy(a => a.Role))
        {
            message.Assignments.Add(ToContract(assignment, incident.IsOpen, now));
        }
        if (incident.HandleDeadline is { } handle)
        {
            message.HandleDeadline = Timestamp.FromDateTimeOffset(handle);
        }
        foreach (var photo in incident.Photos)
        {
            var p = new C.PhotoMetadata { PhotoId = photo.PhotoId, Sha256 = photo.Sha256, ContentType = photo.ContentType, SizeBytes = photo.SizeBytes };
            if (photo.TakenAt is { } taken)
            {
                p.TakenAt = Timestamp.FromDateTimeOffset(taken);
            }
            message.Photos.Add(p);
        }
        var version = 0;
        foreach (var entry in incident.History)
        {
            message.History.Add(new C.HistoryEntry
            {
                Version = ++version,
                Type = entry.EventType,
                At = Timestamp.FromDateTimeOffset(entry.At),
                Actor = ToContract(entry.By),
                Summary = entry.Note ?? "",
            });
        }
        return message;
    }

    /// <summary>Worklists show a description this long; the full text is one GetIncident away.</summary>
    public const int SummaryDescriptionLength = 120;

    public static C.IncidentSummary ToSummary(Incident incident, DateTimeOffset now)
    {
        var summary = new C.IncidentSummary
        {
            IncidentId = incident.Id,
            State = ToContract(incident.State),
            Version = incident.Version,
            CategoryCode = incident.Category.Code,
            Description = Cut(incident.Description, SummaryDescriptionLength),
            GridCode = incident.GridCode ?? "",
            TownshipCode = incident.TownshipCode ?? "",
            CountyCode = incident.CountyCode,
            LeadDepartmentCode = incident.LeadDepartmentCode ?? "",
            ReportedAt = Timestamp.FromDateTimeOffset(incident.ReportedAt),
            Overdue = incident.IsOpen && incident.IsOverdue(now),
            Supervisions = incident.Supervisions,
            CrossDepartment = incident.CrossDepartment,
            Escalated = incident.Escalated,
            ReporterId = incident.Reporter.SubjectId,
            Point = new C.GeoPoint { Longitude = incident.Location.Longitude, Latitude = incident.Location.Latitude },
            LikelyDuplicateOfIncidentId = incident.LikelyDuplicateOf?.IncidentId ?? "",
        };
        summary.DepartmentCodes.Add(incident.DepartmentCodes);
        if (incident.HandleDeadline is { } handle)
        {
            summary.HandleDeadline = Timestamp.FromDateTimeOffset(handle);
        }
        return summary;
    }

    /// <summary>Cuts at a character (rune) boundary, never inside a surrogate pair.</summary>
    internal static string Cut(string text, int maxCharacters)
    {
        var index = 0;
        for (var characters = 0; index < text.Length; characters++)
        {
            if (characters == maxCharacters)
            {
                return text[..index];
            }
            index += char.IsSurrogatePair(text, index) ? 2 : 1;
        }
        return text;
    }

    public static C.Assignment ToContract(Assignment assignment, bool open, DateTimeOffset now)
    {
        var message = new C.Assignment
        {
            DepartmentCode = assignment.DepartmentCode,
            Role = ToContract(assignment.Role),
            State = ToContract(assignment.State),
            DispatchedAt = Timestamp.FromDateTimeOffset(assignment.DispatchedAt),
            SignDeadline = Timestamp.FromDateTimeOffset(assignment.SignDeadline),
            SignWarningAt = Timestamp.FromDateTimeOffset(assignment.SignWarningAt),
            HandleDeadline = Timestamp.FromDateTimeOffset(assignment.HandleDeadline),
            HandleWarningAt = Timestamp.FromDateTimeOffset(assignment.HandleWarningAt),
            Reworks = assignment.Reworks,
            Extensions = assignment.Extensions,
            ProgressReports = assignment.ProgressReports,
            Overdue = open && assignment.IsActive && (assignment.IsOverdue(DeadlineKind.Sign, now) || assignment.IsOverdue(DeadlineKind.Handle, now)),
            Warning = open && assignment.IsActive && (
                (assignment.Awaits(DeadlineKind.Sign) && now >= assignment.SignWarningAt)
                || (assignment.Awaits(DeadlineKind.Handle) && now >= assignment.HandleWarningAt)),
        };
        if (assignment.AcceptedAt is { } accepted)
        {
            message.AcceptedAt = Timestamp.FromDateTimeOffset(accepted);
        }
        if (assignment.HandledAt is { } handled)
        {
            message.HandledAt = Timestamp.FromDateTimeOffset(handled);
        }
        if (assignment.ReturnedAt is { } returned)
        {
            message.ReturnedAt = Timestamp.FromDateTimeOffset(returned);
        }
        if (assignment.PendingExtension is { } pending)
        {
            message.PendingExtension = new C.ExtensionRequest
            {
                Extra = ToContract(pending.Extra),
                Reason = pending.Reason,
                RequestedBy = ToContract(pending.By),
                RequestedAt = Timestamp.FromDateTimeOffset(pending.At),
            };
        }
        return message;
    }

    public static C.IncidentState ToContract(IncidentState state) => (C.IncidentState)(int)state;

    public static C.Channel ToContract(ReportChannel channel) => (C.Channel)(int)channel;

    public static C.Platform ToContract(Platform platform) => (C.Platform)(int)platform;

    public static C.AssignmentRole ToContract(AssignmentRole role) => (C.AssignmentRole)(int)role;

    public static C.AssignmentState ToContract(AssignmentState state) => (C.AssignmentState)(int)state;

    public static C.Actor ToContract(Domain.Actor actor) => new() { Subject = actor.SubjectId, Role = RoleName(actor.Role) };

    /// <summary>The role as the token spells it (grid_worker, county_center, ...), the same word in every message.</summary>
    public static string RoleName(Domain.ActorRole role) => role switch
    {
        Domain.ActorRole.Citizen => "citizen",
        Domain.ActorRole.System => "system",
        _ => Security.TokenClaims.RoleName(role),
    };

    public static C.Routing ToContract(RoutingOutcome outcome, RegistryView view)
    {
        var routing = new C.Routing
        {
            Match = outcome.Match switch
            {
                RoutingMatch.Exact => C.GridMatch.Inside,
                RoutingMatch.NearestWithinTolerance => C.GridMatch.NearestWithinTolerance,
                _ => C.GridMatch.None,
            },
            GridCode = outcome.GridCode ?? "",
            VillageCode = outcome.VillageCode ?? "",
            TownshipCode = outcome.TownshipCode ?? "",
            CountyCode = outcome.CountyCode,
            DistanceMeters = outcome.DistanceMetres ?? 0,
            Reason = outcome.FallbackReason ?? "",
            DepartmentCode = outcome.Responsibility.DepartmentCode,
            RuleScope = (C.RuleScope)(int)outcome.Responsibility.RuleScopeLevel,
            RuleRegionCode = outcome.Responsibility.RuleScopeCode,
            Explanation = outcome.Responsibility.Explanation,
        };
        AddNames(routing, view, outcome.GridCode, outcome.VillageCode, outcome.TownshipCode, outcome.CountyCode);
        return routing;
    }

    public static C.Routing ToContract(Placement placement, RegistryView view)
    {
        var grid = placement.Grid;
        var routing = new C.Routing
        {
            Match = placement.Match switch
            {
                RoutingMatch.Exact => C.GridMatch.Inside,
                RoutingMatch.NearestWithinTolerance => C.GridMatch.NearestWithinTolerance,
                _ => C.GridMatch.None,
            },
            GridCode = grid?.GridCode ?? "",
            VillageCode = grid?.VillageCode ?? "",
            TownshipCode = grid?.TownshipCode ?? "",
            CountyCode = grid?.CountyCode ?? placement.CountyCode ?? "",
            DistanceMeters = placement.Match == RoutingMatch.Exact || double.IsNaN(placement.DistanceMeters) ? 0 : placement.DistanceMeters,
            Reason = placement.Reason ?? "",
        };
        AddNames(routing, view, grid?.GridCode, grid?.VillageCode, grid?.TownshipCode, routing.CountyCode);
        return routing;
    }

    private static void AddNames(C.Routing routing, RegistryView view, params string?[] codes)
    {
        foreach (var code in codes)
        {
            if (string.IsNullOrEmpty(code))
            {
                continue;
            }
            var name = view.Snapshot.FindGrid(code)?.Name ?? view.Snapshot.FindRegion(code)?.Name;
            if (name is not null)
            {
                routing.RegionNames.Add(name);
            }
        }
    }

    public static C.GeoPoint ToContract(Geo.GeoPoint point) => new() { Longitude = point.Longitude, Latitude = point.Latitude };

    public static C.Region? ToContract(Region? region) => region is null
        ? null
        : new C.Region { Code = region.Code, Name = region.Name, Level = (C.RegionLevel)(int)region.Level, ParentCode = region.ParentCode ?? "" };

    public static C.Category ToContract(Category category) => new()
    {
        Code = category.Code,
        Name = category.Name,
        Platform = ToContract(category.Platform),
        SignLimit = ToContract(category.SignLimit),
        HandleLimit = ToContract(category.HandleLimit),
        AutoDispatch = category.AutoDispatch,
        RequiresAfterPhoto = category.RequiresAfterPhoto,
    };

    public static C.TimeLimit ToContract(Domain.Calendar.TimeLimit limit) => new()
    {
        Amount = limit.Amount,
        Unit = limit.Unit switch
        {
            Domain.Calendar.TimeLimitUnit.WorkingHours => C.TimeLimitUnit.WorkingHours,
            Domain.Calendar.TimeLimitUnit.WorkingDays => C.TimeLimitUnit.WorkingDays,
            Domain.Calendar.TimeLimitUnit.NaturalHours => C.TimeLimitUnit.NaturalHours,
            _ => C.TimeLimitUnit.Unspecified,
        },
    };

    public static C.Department ToContract(Department department) => new()
    {
        Code = department.Code,
        Name = department.Name,
        Platform = ToContract(department.Platform),
        Kind = (C.DepartmentKind)(int)department.Kind,
        RegionCode = department.OwningRegionCode,
        Active = !department.IsRetired,
    };
}
