using System.Globalization;
using Governance.Contracts.V1;

namespace Governance.Cli.Client;

/// <summary>
/// The parts of an incident every command that returns one prints the same way (`incident` and each workflow step),
/// so an operator reads a step's answer exactly as they read the incident itself.
/// </summary>
internal static class IncidentText
{
    /// <summary>Id, state and version first: the version is what the next step passes as --expect-version.</summary>
    public static void WriteIdentity(KeyValueWriter lines, Incident incident)
    {
        lines.Add("incident", incident.IncidentId);
        lines.Add("state", Display.State(incident.State));
        lines.Add("version", incident.Version.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Every assignment, returned ones included: who had it and who has it now is half of a cross-department case.</summary>
    public static void WriteAssignments(CommandOutput output, Incident incident)
    {
        if (incident.Assignments.Count == 0)
        {
            return;
        }
        output.Line();
        output.Line("assignments:");
        var assignments = new TableWriter("ROLE", "DEPARTMENT", "STATE", "DISPATCHED", "SIGN BY", "HANDLE BY");
        foreach (var a in incident.Assignments)
        {
            assignments.Add(Display.Name(a.Role), a.DepartmentCode, Display.Name(a.State), Display.Time(a.DispatchedAt), Display.Time(a.SignDeadline), Display.Time(a.HandleDeadline));
        }
        assignments.WriteTo(output.Out, "  ");
    }
}
