using System.Reflection;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Governance.EventStore.Conformance;

/// <summary>
/// Names a static string property of the deriving test class's choosing that says why the store cannot be tested on
/// this machine (a server that is not installed), or null when it can. xunit 2 has no skip decided at run time, and
/// the suite's tests live on the base class, so the suite's own fact attributes read this when tests are discovered.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SkipConformanceWhenAttribute(Type type, string property) : Attribute
{
    public Type Type { get; } = type;

    public string Property { get; } = property;

    internal static string? ReasonFor(ITestMethod testMethod)
    {
        var testClass = testMethod.TestClass.Class.ToRuntimeType();
        if (testClass?.GetCustomAttribute<SkipConformanceWhenAttribute>() is not { } skip)
        {
            return null;
        }
        var property = skip.Type.GetProperty(skip.Property, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{skip.Type.Name} has no static property {skip.Property}.");
        return (string?)property.GetValue(null);
    }
}

/// <summary>A conformance fact: skipped, with the reason, when the deriving class's store cannot run here.</summary>
[XunitTestCaseDiscoverer("Governance.EventStore.Conformance.ConformanceFactDiscoverer", "Governance.EventStore.Conformance")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ConformanceFactAttribute : FactAttribute;

/// <summary>A conformance theory: skipped, with the reason, when the deriving class's store cannot run here.</summary>
[XunitTestCaseDiscoverer("Governance.EventStore.Conformance.ConformanceTheoryDiscoverer", "Governance.EventStore.Conformance")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ConformanceTheoryAttribute : TheoryAttribute;

public sealed class ConformanceFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    private readonly IMessageSink _sink = diagnosticMessageSink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        SkipConformanceWhenAttribute.ReasonFor(testMethod) is { } reason
            ? [new XunitSkippedDataRowTestCase(_sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class ConformanceTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    private readonly IMessageSink _sink = diagnosticMessageSink;

    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        SkipConformanceWhenAttribute.ReasonFor(testMethod) is { } reason
            ? [new XunitSkippedDataRowTestCase(_sink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}
