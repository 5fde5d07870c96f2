using System.Diagnostics.CodeAnalysis;
using Governance.Domain.Incidents;
using Governance.Domain.Registry;

namespace Governance.Domain;

/// <summary>
/// The stable wire names of every domain event, both ways. Storage writes <see cref="NameOf(IDomainEvent)"/> beside the JSON and
/// reads back with <see cref="TypeOf"/>, so renaming or moving a CLR type never breaks a stored stream. A name
/// ends in its schema version (".v1"); an incompatible change adds a new type with ".v2" and keeps reading ".v1".
/// </summary>
public static class DomainEventTypes
{
    private static readonly (string Name, Type Type)[] All =
    [
        (RegionDefined.EventType, typeof(RegionDefined)),
        (RegionUpdated.EventType, typeof(RegionUpdated)),
        (RegionRetired.EventType, typeof(RegionRetired)),
        (GridDefined.EventType, typeof(GridDefined)),
        (GridUpdated.EventType, typeof(GridUpdated)),
        (GridWorkersAssigned.EventType, typeof(GridWorkersAssigned)),
        (GridRetired.EventType, typeof(GridRetired)),
        (DepartmentDefined.EventType, typeof(DepartmentDefined)),
        (DepartmentUpdated.EventType, typeof(DepartmentUpdated)),
        (DepartmentRetired.EventType, typeof(DepartmentRetired)),
        (CategoryDefined.EventType, typeof(CategoryDefined)),
        (CategoryUpdated.EventType, typeof(CategoryUpdated)),
        (CategoryRetired.EventType, typeof(CategoryRetired)),
        (ResponsibilityRuleSet.EventType, typeof(ResponsibilityRuleSet)),
        (ResponsibilityRuleRemoved.EventType, typeof(ResponsibilityRuleRemoved)),
        (IncidentReported.EventType, typeof(IncidentReported)),
        (IncidentRegistered.EventType, typeof(IncidentRegistered)),
        (IncidentDispatched.EventType, typeof(IncidentDispatched)),
        (IncidentFlaggedAsDuplicate.EventType, typeof(IncidentFlaggedAsDuplicate)),
        (IncidentRejected.EventType, typeof(IncidentRejected)),
        (IncidentMerged.EventType, typeof(IncidentMerged)),
        (DuplicateMerged.EventType, typeof(DuplicateMerged)),
        (AssignmentSigned.EventType, typeof(AssignmentSigned)),
        (AssignmentReturned.EventType, typeof(AssignmentReturned)),
        (ProgressReported.EventType, typeof(ProgressReported)),
        (AssignmentHandled.EventType, typeof(AssignmentHandled)),
        (IncidentVerified.EventType, typeof(IncidentVerified)),
        (ReworkRequired.EventType, typeof(ReworkRequired)),
        (IncidentClosed.EventType, typeof(IncidentClosed)),
        (IncidentReopened.EventType, typeof(IncidentReopened)),
        (IncidentEscalated.EventType, typeof(IncidentEscalated)),
        (IncidentSupervised.EventType, typeof(IncidentSupervised)),
        (ExtensionRequested.EventType, typeof(ExtensionRequested)),
        (ExtensionApproved.EventType, typeof(ExtensionApproved)),
        (ExtensionRefused.EventType, typeof(ExtensionRefused)),
        (IncidentResolvedOnSpot.EventType, typeof(IncidentResolvedOnSpot)),
        (DeadlineAlarmRaised.EventType, typeof(DeadlineAlarmRaised)),
    ];

    private static readonly Dictionary<string, Type> ByName = All.ToDictionary(e => e.Name, e => e.Type, StringComparer.Ordinal);
    private static readonly Dictionary<Type, string> ByType = All.ToDictionary(e => e.Type, e => e.Name);

    /// <summary>Every wire name and its type.</summary>
    public static IReadOnlyDictionary<string, Type> Types => ByName;

    public static string NameOf(IDomainEvent @event) => NameOf(@event.GetType());

    public static string NameOf(Type type) =>
        ByType.TryGetValue(type, out var name) ? name : throw new ArgumentException($"{type.FullName} has no registered event type name.", nameof(type));

    public static Type TypeOf(string name) =>
        ByName.TryGetValue(name, out var type) ? type : throw new ArgumentException($"'{name}' is not a known event type.", nameof(name));

    public static bool TryGetType(string name, [NotNullWhen(true)] out Type? type) => ByName.TryGetValue(name, out type);
}
