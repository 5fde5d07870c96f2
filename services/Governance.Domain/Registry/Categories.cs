using Governance.Domain.Calendar;

namespace Governance.Domain.Registry;

/// <summary>
/// When a new report counts as a likely duplicate of an open one of the same category: within this many metres and
/// minutes. Zero in either turns duplicate detection off for the category.
/// </summary>
public sealed record DuplicatePolicy(int RadiusMetres, int WindowMinutes)
{
    /// <summary>Beyond a few kilometres two reports are about different things.</summary>
    public const int MaxRadiusMetres = 5000;

    /// <summary>Thirty days: older open incidents are stale leads, not duplicates.</summary>
    public const int MaxWindowMinutes = 30 * 24 * 60;

    public static DuplicatePolicy None { get; } = new(0, 0);

    public bool IsEnabled => RadiusMetres > 0 && WindowMinutes > 0;

    internal void Validate()
    {
        if (RadiusMetres is < 0 or > MaxRadiusMetres)
            throw DomainException.Invalid($"Duplicate radius {RadiusMetres} m is out of range; use 0 (off) to {MaxRadiusMetres}.");
        if (WindowMinutes is < 0 or > MaxWindowMinutes)
            throw DomainException.Invalid($"Duplicate window {WindowMinutes} minutes is out of range; use 0 (off) to {MaxWindowMinutes}.");
    }
}

/// <summary>
/// A category (事项) of incident, with the limits to sign (签收时限) and to handle (处置时限) an assignment.
/// <see cref="AutoDispatch"/> lets a report that routing placed in a grid skip the center's manual registration.
/// </summary>
public sealed record Category(
    string Code,
    string Name,
    Platform Platform,
    TimeLimit SignLimit,
    TimeLimit HandleLimit,
    bool AutoDispatch,
    bool RequiresAfterPhoto,
    DuplicatePolicy Duplicates,
    bool IsRetired = false);

public interface ICategoryCommand;

public interface ICategoryEvent : IDomainEvent;

public sealed record DefineCategory(
    string Code,
    string Name,
    Platform Platform,
    TimeLimit SignLimit,
    TimeLimit HandleLimit,
    bool AutoDispatch,
    bool RequiresAfterPhoto,
    DuplicatePolicy Duplicates,
    Actor By,
    DateTimeOffset Now) : ICategoryCommand;

/// <summary>Replaces every editable field of a category; incidents already dispatched keep the limits they got.</summary>
public sealed record UpdateCategory(
    string Code,
    string Name,
    Platform Platform,
    TimeLimit SignLimit,
    TimeLimit HandleLimit,
    bool AutoDispatch,
    bool RequiresAfterPhoto,
    DuplicatePolicy Duplicates,
    Actor By,
    DateTimeOffset Now) : ICategoryCommand;

public sealed record RetireCategory(string Code, string Reason, Actor By, DateTimeOffset Now) : ICategoryCommand;

public sealed record CategoryDefined(
    string Code,
    string Name,
    Platform Platform,
    TimeLimit SignLimit,
    TimeLimit HandleLimit,
    bool AutoDispatch,
    bool RequiresAfterPhoto,
    DuplicatePolicy Duplicates,
    Actor By,
    DateTimeOffset At) : ICategoryEvent
{
    public const string EventType = "category.defined.v1";
}

public sealed record CategoryUpdated(
    string Code,
    string Name,
    Platform Platform,
    TimeLimit SignLimit,
    TimeLimit HandleLimit,
    bool AutoDispatch,
    bool RequiresAfterPhoto,
    DuplicatePolicy Duplicates,
    Actor By,
    DateTimeOffset At) : ICategoryEvent
{
    public const string EventType = "category.updated.v1";
}

/// <summary>A category was withdrawn: no new report may use it; open incidents keep it.</summary>
public sealed record CategoryRetired(string Code, string Reason, Actor By, DateTimeOffset At) : ICategoryEvent
{
    public const string EventType = "category.retired.v1";
}

public static class CategoryDecider
{
    public static IReadOnlyList<ICategoryEvent> Decide(Category? state, ICategoryCommand command) => command switch
    {
        DefineCategory c => Define(state, c),
        UpdateCategory c => Update(state, c),
        RetireCategory c => Retire(state, c),
        _ => throw new ArgumentException($"Unknown category command {command.GetType().Name}.", nameof(command)),
    };

    public static Category? Apply(Category? state, ICategoryEvent @event) => @event switch
    {
        CategoryDefined e => new Category(e.Code, e.Name, e.Platform, e.SignLimit, e.HandleLimit, e.AutoDispatch, e.RequiresAfterPhoto, e.Duplicates),
        CategoryUpdated e => Existing(state, e.Code) with
        {
            Name = e.Name,
            Platform = e.Platform,
            SignLimit = e.SignLimit,
            HandleLimit = e.HandleLimit,
            AutoDispatch = e.AutoDispatch,
            RequiresAfterPhoto = e.RequiresAfterPhoto,
            Duplicates = e.Duplicates,
        },
        CategoryRetired e => Existing(state, e.Code) with { IsRetired = true },
        _ => throw new ArgumentException($"Unknown category event {@event.GetType().Name}.", nameof(@event)),
    };

    public static Category? Fold(IEnumerable<ICategoryEvent> events) => events.Aggregate((Category?)null, Apply);

    private static ICategoryEvent[] Define(Category? state, DefineCategory c)
    {
        var wanted = Validated(c.Code, c.Name, c.Platform, c.SignLimit, c.HandleLimit, c.AutoDispatch, c.RequiresAfterPhoto, c.Duplicates);
        c.By.Validate("DefineCategory");
        if (state is not null)
        {
            SameStream(state, c.Code);
            if (state.IsRetired)
                throw DomainException.Precondition($"Category {c.Code} was retired; define the successor under a new code.");
            return state == wanted
                ? []
                : throw DomainException.Exists($"Category {c.Code} already exists as '{state.Name}'; change it with UpdateCategory.");
        }
        return [new CategoryDefined(c.Code, wanted.Name, c.Platform, c.SignLimit, c.HandleLimit, c.AutoDispatch, c.RequiresAfterPhoto, c.Duplicates, c.By, c.Now)];
    }

    private static ICategoryEvent[] Update(Category? state, UpdateCategory c)
    {
        var current = Active(state, c.Code);
        var wanted = Validated(c.Code, c.Name, c.Platform, c.SignLimit, c.HandleLimit, c.AutoDispatch, c.RequiresAfterPhoto, c.Duplicates);
        c.By.Validate("UpdateCategory");
        return current == wanted
            ? []
            : [new CategoryUpdated(c.Code, wanted.Name, c.Platform, c.SignLimit, c.HandleLimit, c.AutoDispatch, c.RequiresAfterPhoto, c.Duplicates, c.By, c.Now)];
    }

    private static ICategoryEvent[] Retire(Category? state, RetireCategory c)
    {
        if (state is null)
            throw DomainException.NotFound($"Category {c.Code} is not defined.");
        SameStream(state, c.Code);
        var reason = Require.Reason(c.Reason, "RetireCategory");
        c.By.Validate("RetireCategory");
        return state.IsRetired ? [] : [new CategoryRetired(c.Code, reason, c.By, c.Now)];
    }

    private static Category Validated(string code, string name, Platform platform, TimeLimit sign, TimeLimit handle,
        bool autoDispatch, bool afterPhoto, DuplicatePolicy? duplicates)
    {
        Require.Identifier(code, "Category code");
        var trimmed = Require.Name(name, "Category name");
        Require.Defined(platform, "Platform");
        sign.Validate($"Sign limit of {code}");
        handle.Validate($"Handle limit of {code}");
        if (duplicates is null)
            throw DomainException.Invalid($"Category {code}: the duplicate policy is missing; use DuplicatePolicy.None to turn detection off.");
        duplicates.Validate();
        return new Category(code, trimmed, platform, sign, handle, autoDispatch, afterPhoto, duplicates);
    }

    private static Category Active(Category? state, string code)
    {
        if (state is null)
            throw DomainException.NotFound($"Category {code} is not defined; define it with DefineCategory first.");
        SameStream(state, code);
        return state.IsRetired ? throw DomainException.Precondition($"Category {code} is retired and can no longer change.") : state;
    }

    private static void SameStream(Category state, string code)
    {
        if (state.Code != code)
            throw DomainException.Invalid($"The command names category {code} but was sent to the stream of category {state.Code}.");
    }

    private static Category Existing(Category? state, string code) =>
        state ?? throw new InvalidOperationException($"The stream of category {code} does not start with CategoryDefined.");
}
