namespace Governance.Domain.Tests;

internal static class Fixtures
{
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    public static readonly Actor Admin = new("admin-1", ActorRole.Administrator);

    /// <summary>Monday 2 March 2026, 09:00 China Standard Time: an ordinary working morning.</summary>
    public static readonly DateTimeOffset Now = At(2026, 3, 2, 9, 0);

    /// <summary>Stand-in WKB bytes; the domain never looks inside.</summary>
    public static readonly byte[] Boundary = [1, 3, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0];

    public static readonly byte[] OtherBoundary = [1, 3, 0, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0];

    public static DateTimeOffset At(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, Cst);
}
