using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Governance.Testing;

/// <summary>
/// A throwaway PostgreSQL server for tests: apt's binaries, a data folder under /tmp, listening on 127.0.0.1 at a
/// free port, started once per test process and stopped when it exits. Each test takes a database of its own. As
/// root (CI), the server runs as the postgres user, because initdb refuses root.
/// </summary>
public sealed class TestPostgres
{
    /// <summary>Set to 1 (as .ci/run does) to make a missing PostgreSQL a failure instead of a skip.</summary>
    public const string RequireVariable = "GOVERNANCE_REQUIRE_POSTGRES";

    public const string InstallCommand = "apt-get install -y postgresql";

    private static readonly Lazy<Task<TestPostgres>> Server = new(StartAsync);
    private static readonly Lazy<string?> BinariesValue = new(FindBinaries);

    private readonly string _root;
    private readonly string _bin;
    private readonly int _port;

    private TestPostgres(string root, string bin, int port)
    {
        _root = root;
        _bin = bin;
        _port = port;
    }

    /// <summary>The folder of initdb and pg_ctl, or null when PostgreSQL is not installed.</summary>
    public static string? Binaries => BinariesValue.Value;

    /// <summary>Why PostgreSQL tests are skipped here, or null when they run.</summary>
    public static string? SkipReason =>
        Binaries is not null || Environment.GetEnvironmentVariable(RequireVariable) == "1"
            ? null
            : $"PostgreSQL is not installed (no initdb in /usr/lib/postgresql/*/bin or on PATH); install it with `{InstallCommand}`.";

    public const string PostgisInstallCommand = "apt-get install -y postgresql-postgis";

    /// <summary>Why PostGIS tests are skipped here (PostgreSQL or its PostGIS extension missing), or null when they run.</summary>
    public static string? PostgisSkipReason =>
        SkipReason ?? (Environment.GetEnvironmentVariable(RequireVariable) == "1" || HasPostgis
            ? null
            : $"PostGIS is not installed for this PostgreSQL (no postgis.control beside its extensions); install it with `{PostgisInstallCommand}`.");

    private static bool HasPostgis => Binaries is { } bin
        && File.Exists(Path.Combine(Path.GetDirectoryName(bin)!.Replace("/usr/lib/", "/usr/share/", StringComparison.Ordinal), "extension", "postgis.control"));

    /// <summary>The server, started on first use.</summary>
    public static Task<TestPostgres> GetAsync() => Server.Value;

    /// <summary>A new, empty database; its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "gov_" + Guid.NewGuid().ToString("N")[..16];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    /// <summary>Drops a database made by <see cref="CreateDatabaseAsync"/> (its connections are closed first).</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = "postgres",
        Database = database,
        // The conformance suite runs appends from many tasks at once.
        MaxPoolSize = 64,
    }.ToString();

    private static async Task<TestPostgres> StartAsync()
    {
        var bin = Binaries ?? throw new InvalidOperationException(
            $"PostgreSQL is required here ({RequireVariable}=1) but not installed: `{InstallCommand}`.");
        var root = Path.Combine(Path.GetTempPath(), "governance-postgres-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(root);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres", root], asPostgres: false);
        }
        var data = Path.Combine(root, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], asRoot);
        var port = FreePort();
        await RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(root, "server.log"), "-w", "-t", "60",
             "-o", $"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c max_connections=200", "start"], asRoot);
        var server = new TestPostgres(root, bin, port);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop(asRoot);
        return server;
    }

    private void Stop(bool asRoot)
    {
        try
        {
            RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"], asRoot).GetAwaiter().GetResult();
        }
        finally
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
                // A server that did not stop holds its files; /tmp is cleared by the machine.
            }
        }
    }

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", program })
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindBinaries()
    {
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            foreach (var version in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending(StringComparer.Ordinal))
            {
                if (File.Exists(Path.Combine(version, "bin", "initdb")))
                {
                    return Path.Combine(version, "bin");
                }
            }
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }
}

/// <summary>A fact that needs PostgreSQL: skipped with the install command where it is missing (see <see cref="TestPostgres.SkipReason"/>).</summary>
public sealed class PostgresFactAttribute : Xunit.FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs PostGIS in the test server: skipped with the install command where it is missing.</summary>
public sealed class PostgisFactAttribute : Xunit.FactAttribute
{
    public PostgisFactAttribute()
    {
        if (TestPostgres.PostgisSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
