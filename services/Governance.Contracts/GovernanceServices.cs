using Google.Protobuf.Reflection;

namespace Governance.Contracts.V1;

/// <summary>
/// The protoc service descriptors of the Governance API, found once by full name. Servers bind handlers from them
/// and clients take method descriptors from them, so no route string is ever typed by hand.
/// </summary>
public static class GovernanceServices
{
    public static ServiceDescriptor IncidentService { get; } = Find(IncidentsReflection.Descriptor, "governance.v1.IncidentService");

    public static ServiceDescriptor RegistryService { get; } = Find(RegistryReflection.Descriptor, "governance.v1.RegistryService");

    public static ServiceDescriptor WorkflowService { get; } = Find(WorkflowReflection.Descriptor, "governance.v1.WorkflowService");

    public static ServiceDescriptor AnalyticsService { get; } = Find(AnalyticsReflection.Descriptor, "governance.v1.AnalyticsService");

    public static ServiceDescriptor WorklistService { get; } = Find(WorklistReflection.Descriptor, "governance.v1.WorklistService");

    public static MethodDescriptor Method(this ServiceDescriptor service, string name) =>
        service.FindMethodByName(name) ?? throw new ArgumentException($"{service.FullName} has no method {name}.", nameof(name));

    private static ServiceDescriptor Find(FileDescriptor file, string fullName) =>
        file.Services.SingleOrDefault(s => s.FullName == fullName)
        ?? throw new InvalidOperationException($"{file.Name} defines no service {fullName}.");
}
