using Microsoft.Data.Sqlite;

namespace Governance.EventStore;

/// <summary>
/// The three statement shapes every SQLite file of ours uses (the event store, the deadline index, the relay
/// checkpoint, the analytics store): run one, read one value, or prepare one with named parameters to bind per row.
/// </summary>
public static class SqliteStatements
{
    public static void Execute(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    /// <summary>A command with <paramref name="parameters"/> declared (unbound), for one statement run many times.</summary>
    public static SqliteCommand Command(SqliteConnection connection, string sql, params string[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(parameters);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }
        return command;
    }
}
