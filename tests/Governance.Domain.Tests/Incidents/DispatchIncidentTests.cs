using Governance.Domain.Incidents;
using Governance.Domain.Registry;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;
using static Governance.Domain.Tests.TestWorld;

namespace Governance.Domain.Tests;

// Working hours are 08:30-12:00 and 13:30-17:30: 7.5 h a working day. Warnings fall after 80 % of the working time
// between dispatch and deadline.
public class DispatchIncidentTests
{
    private static DispatchIncident Dispatch(DateTimeOffset now, Department? lead, params Department[] assisting) =>
        new(Id, lead, assisting, null, Center, now);

    [Fact]
    public void GivenRegisteredOnTheFridayBeforeSpringFestival_WhenDispatchLeadAndAssistant_ThenDeadlinesSkipTheHolidayButNotTheMakeUpSaturday()
    {
        // SG-9901: sign 1 working day, handle 5 working days. Friday 2026-02-13 10:00.
        var now = At(2026, 2, 13, 10, 0);

        Spec.Incident()
            .Given(Reported(Other, At(2026, 2, 13, 9, 30)).Registered(At(2026, 2, 13, 9, 50)))
            .When(new DispatchIncident(Id, Dept(Cgj), [Dept(Sjj)], "  请协同处置  ", Center, now))
            .Then(new IncidentDispatched(Id, Cgj, [Sjj],
                // The dispatch day never counts; the 1st working day after it is the make-up Saturday 02-14.
                SignDeadline: At(2026, 2, 14, 17, 30),
                // Working time to the deadline: Friday 10:00-12:00 + 13:30-17:30 = 6 h, Saturday 7.5 h, 13.5 h in all;
                // 80 % = 10 h 48 min: 6 h on Friday, 3.5 h on Saturday morning, 1 h 18 min after 13:30.
                SignWarningAt: At(2026, 2, 14, 14, 48),
                // Working days after Friday: 02-14 (Sat, make-up) 1; 02-15..23 off; 02-24 2, 02-25 3, 02-26 4, 02-27 5.
                HandleDeadline: At(2026, 2, 27, 17, 30),
                // 6 + 7.5 + 4 × 7.5 = 43.5 h; 80 % = 34 h 48 min: Fri 6, Sat 7.5, 02-24 7.5, 02-25 7.5 (28.5 h),
                // then 02-26 morning 3.5 h (32 h) and 2 h 48 min after 13:30.
                HandleWarningAt: At(2026, 2, 26, 16, 18),
                false, "请协同处置", Center, now));
    }

    [Fact]
    public void GivenRegisteredOnTheMakeUpSunday2025_WhenDispatch_ThenTheSundayCountsAsWorkingTime()
    {
        // LE-0101: sign 2 working hours, handle 1 working day. Sunday 2025-09-28 (调休上班) 16:30.
        var now = At(2025, 9, 28, 16, 30);

        Spec.Incident()
            .Given(Reported(Garbage, At(2025, 9, 28, 16, 0), grid: BareTownGrid).Registered(At(2025, 9, 28, 16, 20)))
            .When(Dispatch(now, Dept(Cgj)))
            .Then(new IncidentDispatched(Id, Cgj, [],
                // 1 h until 17:30 on the Sunday, 1 h from 08:30 on Monday 09-29.
                SignDeadline: At(2025, 9, 29, 9, 30),
                // 80 % of 2 h = 1 h 36 min: 1 h on Sunday, 36 min on Monday.
                SignWarningAt: At(2025, 9, 29, 9, 6),
                // The 1st working day after the Sunday is Monday 09-29.
                HandleDeadline: At(2025, 9, 29, 17, 30),
                // 1 h + 7.5 h = 8.5 h; 80 % = 6 h 48 min: 1 h Sunday, 3.5 h Monday morning, 2 h 18 min after 13:30.
                HandleWarningAt: At(2025, 9, 29, 15, 48),
                false, null, Center, now));
    }

    [Fact]
    public void GivenRegisteredTheDayBeforeNationalDay2026_WhenDispatch_ThenTheGoldenWeekIsSkippedAndTheMakeUpSaturdayCounts()
    {
        // SG-9901 on Wednesday 2026-09-30 15:00; 10-01..07 are off, Saturday 10-10 is a make-up working day.
        var now = At(2026, 9, 30, 15, 0);

        Spec.Incident()
            .Given(Reported(Other, At(2026, 9, 30, 14, 0)).Registered(At(2026, 9, 30, 14, 30)))
            .When(Dispatch(now, Dept(Cgj)))
            .Then(new IncidentDispatched(Id, Cgj, [],
                // 1st working day after 09-30 is Thursday 10-08.
                SignDeadline: At(2026, 10, 8, 17, 30),
                // 2.5 h (09-30 15:00-17:30) + 7.5 h = 10 h; 80 % = 8 h: 2.5 h, 3.5 h on the 10-08 morning, 2 h after 13:30.
                SignWarningAt: At(2026, 10, 8, 15, 30),
                // 10-08 1, 10-09 2, 10-10 (Sat, make-up) 3, 10-12 4, 10-13 5.
                HandleDeadline: At(2026, 10, 13, 17, 30),
                // 2.5 + 5 × 7.5 = 40 h; 80 % = 32 h: 2.5 + 7.5 × 3 (10-08, 09, 10) = 25 h, then 10-12: 3.5 h morning, 3.5 h after 13:30.
                HandleWarningAt: At(2026, 10, 12, 17, 0),
                false, null, Center, now));
    }

    [Fact]
    public void GivenRegistered_WhenDispatchOnNationalDayItself_ThenTheClocksStartOnTheFirstWorkingDayAfterTheHoliday()
    {
        // LE-0101 dispatched on Thursday 2026-10-01 10:00, a holiday.
        var now = At(2026, 10, 1, 10, 0);

        Spec.Incident()
            .Given(Reported(Garbage, At(2026, 10, 1, 9, 0), grid: BareTownGrid).Registered(At(2026, 10, 1, 9, 30)))
            .When(Dispatch(now, Dept(Cgj)))
            .Then(new IncidentDispatched(Id, Cgj, [],
                SignDeadline: At(2026, 10, 8, 10, 30),     // 2 working hours from 08:30 on 10-08
                SignWarningAt: At(2026, 10, 8, 10, 6),     // 1 h 36 min from 08:30
                HandleDeadline: At(2026, 10, 8, 17, 30),   // 1st working day after 10-01
                HandleWarningAt: At(2026, 10, 8, 16, 0),   // 80 % of 7.5 h = 6 h: 3.5 h morning + 2.5 h after 13:30
                false, null, Center, now));
    }

    [Fact]
    public void GivenDispatchedEvent_WhenFolded_ThenEachDepartmentHasItsAssignmentWithTheClocks()
    {
        var incident = Reported(Other, At(2026, 2, 13, 9, 30)).Registered(At(2026, 2, 13, 9, 50))
            .DispatchedAt(At(2026, 2, 13, 10, 0), Cgj, Sjj, Sthj).State;

        Assert.Equal(IncidentState.Dispatched, incident.State);
        Assert.Equal(At(2026, 2, 13, 10, 0), incident.DispatchedAt);
        Assert.Equal(Cgj, incident.LeadDepartmentCode);
        Assert.Equal([Sjj, Sthj], incident.AssistingDepartmentCodes);
        Assert.Equal([Cgj, Sjj, Sthj], incident.DepartmentCodes);
        Assert.All(incident.Assignments, a =>
        {
            Assert.Equal(AssignmentState.Dispatched, a.State);
            Assert.Equal(At(2026, 2, 14, 17, 30), a.SignDeadline);
            Assert.Equal(At(2026, 2, 27, 17, 30), a.HandleDeadline);
        });
        Assert.Equal(At(2026, 2, 27, 17, 30), incident.HandleDeadline);
        Assert.True(incident.CrossDepartment);
        Assert.False(incident.IsOverdue(At(2026, 2, 14, 17, 29)));
        Assert.True(incident.IsOverdue(At(2026, 2, 14, 17, 30)));
    }

    [Fact]
    public void GivenEscalated_WhenTheCountyCenterDispatches_ThenDispatched()
    {
        // SG-9901 on an ordinary Monday, 2026-03-02 10:00: 6 working hours left that day.
        var now = At(2026, 3, 2, 10, 0);

        Spec.Incident()
            .Given(Reported().Registered().Escalated())
            .When(new DispatchIncident(Id, Dept(Cgj), [], null, Center, now))
            .Then(new IncidentDispatched(Id, Cgj, [],
                At(2026, 3, 3, 17, 30), // Tuesday's close
                At(2026, 3, 3, 14, 48), // 80 % of 6 + 7.5 h = 10 h 48 min: 6 h Monday, 3.5 h + 1 h 18 min Tuesday
                At(2026, 3, 9, 17, 30), // Tue 1, Wed 2, Thu 3, Fri 4, Mon 03-09 5
                At(2026, 3, 6, 16, 18), // 80 % of 43.5 h = 34 h 48 min: 6 + 3 × 7.5 = 28.5 h to Thursday, Friday 3.5 h + 2 h 48 min
                false, null, Center, now));
    }

    [Fact]
    public void GivenReturned_WhenDispatchAgain_ThenDispatchedWithClocksFromNow()
    {
        var now = At(2026, 3, 2, 10, 0);

        Spec.Incident()
            .Given(Reported(at: At(2026, 3, 2, 8, 0)).Registered().Dispatched(Cgj).Returned(Cgj))
            .When(new DispatchIncident(Id, Dept(Sjj), [], "改派市场监管局", Center, now))
            .Then(new IncidentDispatched(Id, Sjj, [],
                At(2026, 3, 3, 17, 30), At(2026, 3, 3, 14, 48), At(2026, 3, 9, 17, 30), At(2026, 3, 6, 16, 18),
                false, "改派市场监管局", Center, now));
    }

    [Fact]
    public void GivenRegistered_WhenDispatchToATownshipOffice_ThenDispatched()
    {
        var now = At(2026, 3, 2, 10, 0);

        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(TownSquad), [Dept(Cgj)], null, Center, now))
            .Then(new IncidentDispatched(Id, TownSquad, [Cgj],
                At(2026, 3, 3, 17, 30), At(2026, 3, 3, 14, 48), At(2026, 3, 9, 17, 30), At(2026, 3, 6, 16, 18),
                false, null, Center, now));
    }

    [Fact]
    public void GivenRegistered_WhenDispatchWithoutLead_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, null, [], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "The lead department (主办) is missing.");

    [Theory]
    [InlineData(CountyCenter)]
    [InlineData(TownCommandOffice)]
    public void GivenRegistered_WhenACommandOfficeIsTheLead_ThenInvalidArgument(string office) =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(office), [], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, $"Lead department {office} {Dept(office).Name} is a command office");

    [Fact]
    public void GivenRegistered_WhenACommandOfficeAssists_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [Dept(TownCommandOffice)], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, $"Assisting department {TownCommandOffice}");

    [Fact]
    public void GivenRegistered_WhenTheLeadIsRetired_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Retired), [], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Lead department 330282-OLD 慈溪市城市管理局 is retired; choose an active department.");

    [Fact]
    public void GivenRegistered_WhenARetiredDepartmentAssists_ThenFailedPrecondition() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [Dept(Retired)], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, "Assisting department 330282-OLD");

    [Fact]
    public void GivenRegistered_WhenTheLeadBelongsToAnotherCounty_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, NeighbourCountyBureau, [], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "330281-CGJ belongs to county 330281, but the incident is in county 330282");

    [Fact]
    public void GivenRegistered_WhenAnAssistantBelongsToAnotherCounty_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [NeighbourCountyBureau], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "belongs to county 330281");

    [Fact]
    public void GivenRegistered_WhenTheLeadAlsoAssists_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [Dept(Sjj), Dept(Cgj)], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "Department 330282-CGJ is named twice");

    [Fact]
    public void GivenRegistered_WhenAnAssistantIsNamedTwice_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [Dept(Sjj), Dept(Sjj)], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "Department 330282-SJJ is named twice");

    [Fact]
    public void GivenRegistered_WhenAnAssistantIsMissing_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [null!], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "An assisting department is missing.");

    [Fact]
    public void GivenRegistered_WhenNineAssistantsAreNamed_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [.. Enumerable.Repeat(Dept(Sjj), 9)], null, Center, At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "9 assisting departments given; at most 8");

    [Fact]
    public void GivenRegistered_WhenDispatchByNobody_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported().Registered())
            .When(new DispatchIncident(Id, Dept(Cgj), [], null, new Actor(" ", ActorRole.CountyCenter), At(2026, 3, 2, 10, 0)))
            .ThenFails(DomainErrorKind.InvalidArgument, "DispatchIncident: the subject id is empty");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Registered, IncidentState.Returned, IncidentState.Escalated);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAStateThatIsNotWaitingForDispatch_WhenDispatch_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new DispatchIncident(Id, Dept(Sjj), [], null, Center, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be dispatched"));
}
