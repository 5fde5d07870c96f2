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
    public static C.Incident ToContract(Incident incident, Geo.CoordinateSystem output, RegistryView view)
    {
        var point = Geo.ChinaCoordinates.FromWgs84(new Geo.GeoPoint(incident.Location.Longitude, incident.Location.Latitude), output);
        var message = new C.Incident
        {
            IncidentId = incident.Id,
            State = (C.IncidentState)(int)incident.State,
            Version = incident.Version,
            ReporterId = incident.Reporter.SubjectId,
            ClientReportId = incident.ClientReportId,
            Channel = (C.Channel)(int)incident.Channel,
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
            CrossDepartment = incident.AssistingDepartmentCodes.Count > 0,
        };
        if (incident.RegisteredAt is { } registered)
        {
            message.RegisteredAt = Timestamp.FromDateTimeOffset(registered);
        }
        if (incident.LeadDepartmentCode is { } lead && incident.DispatchedAt is { } dispatched)
        {
            message.Assignments.Add(Assignment(lead, C.AssignmentRole.Lead, incident, dispatched));
            foreach (var assisting in incident.AssistingDepartmentCodes)
            {
                message.Assignments.Add(Assignment(assisting, C.AssignmentRole.Assist, incident, dispatched));
            }
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
                Actor = new C.Actor { Subject = entry.By.SubjectId, Role = entry.By.Role.ToString() },
                Summary = entry.Note ?? "",
            });
        }
        return message;
    }

    private static C.Assignment Assignment(string department, C.AssignmentRole role, Incident incident, DateTimeOffset dispatched)
    {
        var assignment = new C.Assignment
        {
            DepartmentCode = department,
            Role = role,
            State = C.AssignmentState.Dispatched,
            DispatchedAt = Timestamp.FromDateTimeOffset(dispatched),
        };
        if (incident.SignDeadline is { } sign)
        {
            assignment.SignDeadline = Timestamp.FromDateTimeOffset(sign);
        }
        if (incident.HandleDeadline is { } handle)
        {
            assignment.HandleDeadline = Timestamp.FromDateTimeOffset(handle);
        }
        return assignment;
    }

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
        Platform = (C.Platform)(int)category.Platform,
        SignLimit = ToContract(category.SignLimit),
        HandleLimit = ToContract(category.HandleLimit),
        AutoDispatch = category.AutoDispatch,
        RequiresAfterPhoto = category.RequiresAfterPhoto,
    };

    private static C.TimeLimit ToContract(Domain.Calendar.TimeLimit limit) => new()
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
        Platform = (C.Platform)(int)department.Platform,
        Kind = (C.DepartmentKind)(int)department.Kind,
        RegionCode = department.OwningRegionCode,
        Active = !department.IsRetired,
    };
}
