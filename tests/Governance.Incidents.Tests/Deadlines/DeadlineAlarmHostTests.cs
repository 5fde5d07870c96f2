using Governance.Contracts.V1;
using Governance.Domain;
using Governance.Security;
using Governance.Incidents.Tests.Fixtures;
using Xunit;

namespace Governance.Incidents.Tests.Deadlines;

/// <summary>
/// The deadline scheduler inside the real standalone host, on a clock the test moves: an auto-dispatched report gets
/// its sign warning (预警) when the clock passes 80 % of the sign limit, and after a restart of the host on the same
/// data folder its overdue alarm (超期) at the deadline, each exactly once.
/// </summary>
public sealed class DeadlineAlarmHostTests
{
    private const string AlarmType = "incident.deadline-alarm.v1";

    [Fact]
    public async Task GivenADispatchedReport_WhenTheClockPassesTheWarningAndThenAfterARestartTheDeadline_ThenEachAlarmIsRaisedOnce()
    {
        var data = Path.Combine(Path.GetTempPath(), "governance-tests", Guid.NewGuid().ToString("N"));
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        string incidentId;
        Assignment lead;
        string centerToken;
        // Stopped, not disposed, so the data folder outlives it.
        var first = await StartAsync(data, clock);
        try
        {
            var host = first;
            var grid = (await host.ListGridsAsync())[42];
            // Tokens from the real clock: JwtBearer checks their times against it, whatever the host's clock says.
            using var key = DevelopmentSigningKey.Load(DevelopmentSigningKey.DefaultPath(data));
            var issuer = new DevelopmentTokenIssuer(key);
            centerToken = issuer.Issue("zx-clock", ActorRole.CountyCenter, ["330290"]);
            var worker = issuer.Issue("wg-clock", ActorRole.GridWorker, [grid.Code]);
            var incident = (await host.ReportAsync(Reports.At(grid.InteriorPoint, Reports.AutoDispatchCategory, reporter: "wg-clock"), worker)).Incident;
            Assert.Equal(IncidentState.Dispatched, incident.State);
            incidentId = incident.IncidentId;
            lead = incident.Assignments.Single();

            clock.SetUtcNow(lead.SignWarningAt.ToDateTimeOffset().AddSeconds(-1));
            await Task.Delay(300);
            Assert.Empty(Alarms(await Get(host, incidentId, centerToken)));

            clock.SetUtcNow(lead.SignWarningAt.ToDateTimeOffset().AddSeconds(1));
            var warned = await WaitForAlarmsAsync(host, incidentId, centerToken, 1);
            Assert.Contains("Sign Warning", Assert.Single(warned).Summary);
        }
        finally
        {
            await first.StopAsync();
        }

        // The host is stopped; the deadline passes while it is down, and is raised once it is back.
        var later = new ManualTimeProvider(lead.SignDeadline.ToDateTimeOffset().AddMinutes(5));
        await using (var host = await StartAsync(data, later))
        {
            var alarms = await WaitForAlarmsAsync(host, incidentId, centerToken, 2);
            Assert.Contains("Sign Warning", alarms[0].Summary);
            Assert.Contains("Sign Overdue", alarms[1].Summary);

            // Time moves on: nothing is raised a second time, and the handle alarms wait for their own times.
            later.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(500);
            var after = Alarms(await Get(host, incidentId, centerToken));
            Assert.Equal(2, after.Count);
            var overdue = (await Get(host, incidentId, centerToken)).Assignments.Single();
            Assert.True(overdue.Overdue);
        }
    }

    private static Task<StandaloneHost> StartAsync(string data, TimeProvider clock) => StandaloneHost.StartAsync(data, clock);

    private static async Task<Incident> Get(StandaloneHost host, string id, string token) =>
        (await host.CallAsync<GetIncidentRequest, GetIncidentResponse>("IncidentService", "GetIncident", new GetIncidentRequest { IncidentId = id }, token)).Incident;

    private static List<HistoryEntry> Alarms(Incident incident) => [.. incident.History.Where(h => h.Type == AlarmType)];

    /// <summary>The scheduler runs on its own loop: poll (bounded) until it has written the expected alarms.</summary>
    private static async Task<List<HistoryEntry>> WaitForAlarmsAsync(StandaloneHost host, string id, string token, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var alarms = Alarms(await Get(host, id, token));
            if (alarms.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, alarms.Count);
                return alarms;
            }
            await Task.Delay(50);
        }
    }
}
