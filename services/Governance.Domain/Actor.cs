namespace Governance.Domain;

/// <summary>The role under which someone acted; recorded on every event for the audit trail.</summary>
public enum ActorRole
{
    GridWorker = 1,
    DepartmentHandler = 2,
    TownshipOffice = 3,
    CountyCenter = 4,
    Leader = 5,
    Administrator = 6,
    Citizen = 7,

    /// <summary>The system itself: a rule (auto-dispatch), a sensor gateway, an importer or the demo seeder.</summary>
    System = 8,
}

/// <summary>Who did something: the subject id from the caller's token and the role it acted in.</summary>
public sealed record Actor(string SubjectId, ActorRole Role)
{
    /// <summary>The actor recorded when a rule, not a person, made the decision.</summary>
    public static Actor System(string what) => new(what, ActorRole.System);

    internal void Validate(string what)
    {
        if (string.IsNullOrWhiteSpace(SubjectId))
            throw DomainException.Invalid($"{what}: the subject id is empty; pass the caller's subject id.");
        if (SubjectId.Length > Require.MaxIdentifierLength)
            throw DomainException.Invalid($"{what}: the subject id is longer than {Require.MaxIdentifierLength} characters.");
        if (!Enum.IsDefined(Role))
            throw DomainException.Invalid($"{what}: role {(int)Role} is not a known role.");
    }
}
