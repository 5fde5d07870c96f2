using System.CommandLine;
using Governance.Cli.Client;
using Governance.Cli.Store;

namespace Governance.Cli;

/// <summary>
/// The command tree: client commands talk to a running host, workflow commands take an incident through its loop
/// there, store commands write the registry directly, and `token` mints development tokens for the client commands.
/// </summary>
internal static class GovernanceCommands
{
    public static RootCommand Root()
    {
        var root = new RootCommand(
            "Operate a Governance (网格化治理) installation: report, look up and take incidents through their loop on a running host, " +
            "or load county boundaries and grid layers into its store.");
        foreach (var command in ClientCommands.All().Concat(WorklistCommands.All()).Concat(RatesCommands.All()).Concat(WorkflowCommands.All()).Concat(StoreCommands.All()).Append(TokenCommand.Create()))
        {
            root.Subcommands.Add(command);
        }
        return root;
    }
}
