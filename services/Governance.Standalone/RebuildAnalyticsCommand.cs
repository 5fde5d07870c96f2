using Governance.Analytics.Hosting;
using Governance.Analytics.Storage;
using Governance.EventStore;
using Governance.Incidents.Hosting;
using Governance.Incidents.Publishing;

namespace Governance.Standalone;

/// <summary>
/// <c>rebuild-analytics</c>: builds the analytics store afresh from the incident log, from position 0, with the
/// relay's reader and the live projection's fold, then swaps it in (the replaced store is kept as analytics.db.bak)
/// and says whether the replaced store held exactly the same thing. Offline: it refuses while a host has the
/// analytics store open. Takes the host's own settings (appsettings.json, environment, --Section:Key=value), so
/// <c>--Incidents:DataDirectory=PATH</c> rebuilds the store of the host that runs with the same option.
/// </summary>
public static class RebuildAnalyticsCommand
{
    public const string Name = "rebuild-analytics";

    /// <summary>
    /// Exit codes: 0 rebuilt, 1 refused or failed (nothing replaced), 2 a bad setting (including a PostgreSQL
    /// analytics store, which this command does not rebuild).
    /// </summary>
    public const int Rebuilt = 0;
    public const int Failed = 1;
    public const int BadSettings = 2;

    private const int PageSize = 4096;

    /// <param name="args">The arguments after the command's name: configuration overrides only.</param>
    /// <param name="output">Where the outcome is written.</param>
    /// <param name="error">Where a refusal is written.</param>
    /// <param name="cancellationToken">Stops the rebuild; the old store is then left as it was.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (StrayArgument(args) is { } stray)
        {
            error.WriteLine(stray is "--help" or "-h" ? Usage : $"rebuild-analytics takes only settings (--Section:Key=value); \"{stray}\" is not one.\n{Usage}");
            return BadSettings;
        }

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        StandaloneApp.ShareDataDirectory(builder.Configuration);
        var incidents = builder.Configuration.GetSection(IncidentsOptions.SectionName).Get<IncidentsOptions>() ?? new IncidentsOptions();
        var analytics = builder.Configuration.GetSection(AnalyticsOptions.SectionName).Get<AnalyticsOptions>() ?? new AnalyticsOptions();
        try
        {
            incidents.Validate();
            analytics.Validate();
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine(e.Message);
            return BadSettings;
        }
        // The rebuild builds a new SQLite file beside the old one and swaps it in under the folder's lock. A shared
        // PostgreSQL store has neither the file to swap nor one lock all replicas honour, so it is not rebuilt here:
        // refused before anything is read or written, as a setting this command cannot serve.
        if (analytics.Store.UsesPostgres)
        {
            error.WriteLine($"rebuild-analytics rebuilds the SQLite analytics store only; {AnalyticsStoreOptions.SectionPath}:{nameof(AnalyticsStoreOptions.Provider)} " +
                $"is {AnalyticsStoreOptions.Postgres}. Rebuilding the PostgreSQL store is not implemented; nothing was changed.");
            return BadSettings;
        }

        var logPath = Path.Combine(Path.GetFullPath(incidents.DataDirectory), "events.db");
        var analyticsDirectory = Path.GetFullPath(analytics.DataDirectory);
        if (!File.Exists(logPath))
        {
            error.WriteLine($"There is no incident log at {logPath}: nothing to rebuild from (is {IncidentsOptions.SectionName}:DataDirectory the host's?).");
            return Failed;
        }

        // Read only: the log is opened like the host opens it, but nothing is appended, so a host may keep writing it.
        await using var store = new SqliteEventStore(new SqliteEventStoreOptions { DataSource = logPath });
        await store.InitializeAsync(cancellationToken);
        var head = await store.GetHeadPositionAsync(cancellationToken);
        output.WriteLine($"Rebuilding the analytics store in {analyticsDirectory} from the incident log {logPath} (head at position {head})…");

        RebuildResult result;
        try
        {
            // The relay's reader, so the rebuild sees exactly the events the relay publishes.
            result = await AnalyticsRebuild.RebuildAsync(analyticsDirectory,
                new IncidentLifeReader(store).ReadEventBatchesAsync(0, PageSize, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or IncidentLifeReadException or IOException)
        {
            error.WriteLine($"Not rebuilt, the store is left as it was: {e.Message}");
            return Failed;
        }
        output.WriteLine($"Rebuilt: {result.Incidents} incidents from {result.Events} events, at log position {result.Position}" +
            (result.Invalid > 0 ? $"; {result.Invalid} events skipped as a live delivery would have dropped them" : "") + ".");

        if (result.BackupPath is null)
        {
            output.WriteLine("There was no analytics store before.");
            return Rebuilt;
        }
        output.WriteLine($"The replaced store is kept as {result.BackupPath}.");
        try
        {
            var differences = AnalyticsComparison.Differences(SqliteAnalyticsStore.ReadFile(result.BackupPath),
                SqliteAnalyticsStore.ReadFile(Path.Combine(analyticsDirectory, SqliteAnalyticsStoreOptions.DatabaseFileName)));
            output.WriteLine(differences.Count == 0
                ? "It held exactly what the rebuild holds."
                : "It differed from the rebuild (first the replaced store, then the rebuilt one):\n  " + string.Join("\n  ", differences));
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            // A replaced store that cannot be read is a reason to rebuild, not a failure of the rebuild.
            output.WriteLine($"The replaced store cannot be compared: {e.Message}");
        }
        return Rebuilt;
    }

    private const string Usage =
        "usage: governance-standalone rebuild-analytics [--Incidents:DataDirectory=PATH] [--Analytics:DataDirectory=PATH]\n" +
        "  Stop the host first. Rebuilds analytics.db from events.db from position 0 and keeps the old one as analytics.db.bak.";

    /// <summary>The first argument that is not a setting (--Key=value, or --Key value), or a request for help.</summary>
    private static string? StrayArgument(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" || !arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                return arg;
            }
            if (!arg.Contains('=', StringComparison.Ordinal))
            {
                i++; // its value follows
            }
        }
        return null;
    }
}
