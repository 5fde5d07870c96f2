using Governance.Domain.Incidents;
using static Governance.Domain.Tests.Fixtures;
using static Governance.Domain.Tests.IncidentHistory;

namespace Governance.Domain.Tests;

public class RegisterIncidentTests
{
    private static readonly DateTimeOffset At0930 = At(2026, 3, 2, 9, 30);

    [Fact]
    public void GivenReported_WhenRegister_ThenRegisteredByThePersonWithTheTrimmedNote() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RegisterIncident(Id, "  核实属实，予以立案  ", Center, At0930))
            .Then(new IncidentRegistered(Id, false, "核实属实，予以立案", Center, At0930));

    [Fact]
    public void GivenReported_WhenRegisterWithABlankNote_ThenRegisteredWithoutNote() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RegisterIncident(Id, " \t ", Center, At0930))
            .Then(new IncidentRegistered(Id, false, null, Center, At0930));

    [Fact]
    public void GivenRegisteredEvent_WhenFolded_ThenRegisteredAtIsRecordedAndNothingIsAssigned()
    {
        var incident = Reported().Registered(At0930).State;

        Assert.Equal(IncidentState.Registered, incident.State);
        Assert.Equal(At0930, incident.RegisteredAt);
        Assert.Empty(incident.Assignments);
        Assert.Null(incident.HandleDeadline);
        Assert.True(incident.IsOpen);
    }

    [Fact]
    public void GivenReported_WhenRegisterWithANoteOver500Characters_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RegisterIncident(Id, new string('注', 501), Center, At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "501 characters; at most 500");

    [Fact]
    public void GivenReported_WhenRegisterByNobody_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RegisterIncident(Id, null, new Actor("", ActorRole.CountyCenter), At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "subject id is empty");

    [Fact]
    public void GivenNoIncident_WhenRegister_ThenNotFound() =>
        Spec.Incident()
            .When(new RegisterIncident(Id, null, Center, At0930))
            .ThenFails(DomainErrorKind.NotFound, "Incident inc-1 does not exist.");

    [Fact]
    public void GivenReported_WhenTheCommandNamesAnotherIncident_ThenInvalidArgument() =>
        Spec.Incident()
            .Given(Reported())
            .When(new RegisterIncident("inc-2", null, Center, At0930))
            .ThenFails(DomainErrorKind.InvalidArgument, "names incident inc-2 but was sent to the stream of incident inc-1");

    public static TheoryData<IncidentState> NotNow => StatesExcept(IncidentState.Reported);

    [Theory]
    [MemberData(nameof(NotNow))]
    public void GivenAnyStateButReported_WhenRegister_ThenFailedPreconditionListingWhatIsAllowed(IncidentState state) =>
        Spec.Incident()
            .Given(InState(state))
            .When(new RegisterIncident(Id, null, Center, At(2026, 3, 3, 9, 0)))
            .ThenFails(DomainErrorKind.FailedPrecondition, IncidentHistory.NotNow(state, "be registered"));
}
