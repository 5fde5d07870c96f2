using Microsoft.Data.Sqlite;
using Xunit;

namespace Governance.EventStore.Tests;

/// <summary>The single gated connection of the deadline index and the relay checkpoint.</summary>
public sealed class SqliteSerialConnectionTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "governance-tests", Guid.NewGuid().ToString("N"), "small.db");

    public SqliteSerialConnectionTests() => Directory.CreateDirectory(Path.GetDirectoryName(_path)!);

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        SqliteStatements.Execute(connection, "CREATE TABLE IF NOT EXISTS t (n INTEGER NOT NULL);");
        return connection;
    }

    [Fact]
    public async Task GivenNotOpen_WhenUsed_ThenRefusedNamingTheFile()
    {
        await using var connection = new SqliteSerialConnection("the relay checkpoint x.db");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => connection.RunAsync(c => 0, CancellationToken.None));

        Assert.Equal("The relay checkpoint x.db is not open; call OpenAsync first.", e.Message);
    }

    [Fact]
    public async Task GivenOpen_WhenOpenedAgainAndUsedConcurrently_ThenOneConnectionAndOneStatementAtATime()
    {
        await using var connection = new SqliteSerialConnection("a test file");
        var opened = 0;
        await connection.OpenAsync(() => { opened++; return Open(); }, CancellationToken.None);
        await connection.OpenAsync(() => { opened++; return Open(); }, CancellationToken.None);
        var inside = 0;
        var most = 0;

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => connection.RunAsync(c =>
        {
            most = Math.Max(most, Interlocked.Increment(ref inside));
            SqliteStatements.Execute(c, $"INSERT INTO t (n) VALUES ({i});");
            Thread.Sleep(1);
            Interlocked.Decrement(ref inside);
            return 0;
        }, CancellationToken.None))));

        Assert.Equal(1, opened);
        Assert.Equal(1, most);
        Assert.Equal(50L, await connection.RunAsync(c => (long)SqliteStatements.Scalar(c, "SELECT count(*) FROM t;")!, CancellationToken.None));
    }

    [Fact]
    public async Task GivenDisposed_WhenUsedOrOpened_ThenObjectDisposed()
    {
        var connection = new SqliteSerialConnection("a test file");
        await connection.OpenAsync(Open, CancellationToken.None);
        await connection.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.RunAsync(c => 0, CancellationToken.None));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => connection.OpenAsync(Open, CancellationToken.None));
    }

    [Fact]
    public void GivenAFileWithCompanions_WhenDeleted_ThenAllGoAndMissingOnesAreNoError()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.WriteAllText(_path + suffix, "x");
        }

        SqliteFiles.Delete(_path);
        SqliteFiles.Delete(_path);

        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_path)!));
    }
}
