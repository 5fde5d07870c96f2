using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Governance.Contracts.V1;

namespace Governance.Cli.Client;

/// <summary>How wire values read on a terminal: times in China Standard Time, enums by their proto names, limits in words.</summary>
internal static class Display
{
    /// <summary>China Standard Time has had no daylight saving since 1991, so a fixed offset is exact and needs no time zone data.</summary>
    public static readonly TimeSpan ChinaStandardTime = TimeSpan.FromHours(8);

    // Default values are printed too: "created": false is the whole point of a retry's answer.
    private static readonly JsonFormatter JsonFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation());

    private static readonly FileDescriptor[] ContractFiles =
        [CommonReflection.Descriptor, IncidentsReflection.Descriptor, RegistryReflection.Descriptor, WorkflowReflection.Descriptor,
         WorklistReflection.Descriptor, AnalyticsReflection.Descriptor];

    public static string Json(IMessage message) => JsonFormatter.Format(message);

    public static string Time(Timestamp? timestamp) => timestamp is null
        ? "-"
        : timestamp.ToDateTimeOffset().ToOffset(ChinaStandardTime).ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);

    /// <summary>The proto name of an enum value without its type prefix: INCIDENT_STATE_DISPATCHED → DISPATCHED.</summary>
    public static string Name<TEnum>(TEnum value) where TEnum : struct, System.Enum
    {
        var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
        var descriptor = ContractFiles.SelectMany(f => f.EnumTypes).FirstOrDefault(e => e.ClrType == typeof(TEnum));
        var name = descriptor?.FindValueByNumber(number)?.Name;
        if (name is null)
        {
            return number.ToString(CultureInfo.InvariantCulture);
        }
        var prefix = Names.UpperSnake(typeof(TEnum).Name) + "_";
        return name.StartsWith(prefix, StringComparison.Ordinal) ? name[prefix.Length..] : name;
    }

    /// <summary>An enum value as the CLI's options spell it (law-enforcement), so what is shown can be typed back.</summary>
    public static string Option<TEnum>(TEnum value) where TEnum : struct, System.Enum =>
        Name(value).ToLowerInvariant().Replace('_', '-');

    public static string State(IncidentState state) => state switch
    {
        IncidentState.Reported => "REPORTED (上报)",
        IncidentState.Registered => "REGISTERED (立案)",
        IncidentState.Rejected => "REJECTED (不予立案)",
        IncidentState.Merged => "MERGED (合并)",
        IncidentState.Dispatched => "DISPATCHED (派遣)",
        IncidentState.Accepted => "ACCEPTED (签收)",
        IncidentState.Returned => "RETURNED (退回)",
        IncidentState.Handled => "HANDLED (处置完成)",
        IncidentState.Verified => "VERIFIED (核查通过)",
        IncidentState.Rework => "REWORK (返工)",
        IncidentState.Closed => "CLOSED (结案)",
        IncidentState.Escalated => "ESCALATED (上报上级)",
        IncidentState.ResolvedOnSpot => "RESOLVED_ON_SPOT (现场处置)",
        _ => Name(state),
    };

    public static string Limit(TimeLimit? limit) => limit switch
    {
        null => "-",
        { Unit: TimeLimitUnit.WorkingDays, Amount: 0 } => "same working day",
        { Unit: TimeLimitUnit.WorkingDays } => Plural(limit.Amount, "working day"),
        { Unit: TimeLimitUnit.WorkingHours } => Plural(limit.Amount, "working hour"),
        { Unit: TimeLimitUnit.NaturalHours } => Plural(limit.Amount, "hour"),
        _ => limit.Amount.ToString(CultureInfo.InvariantCulture),
    };

    public static string Match(Routing routing) => routing.Match switch
    {
        GridMatch.Inside => "inside",
        GridMatch.NearestWithinTolerance => string.Create(CultureInfo.InvariantCulture, $"nearest grid, {routing.DistanceMeters:0.0} m away"),
        GridMatch.None => "none",
        _ => Name(routing.Match),
    };

    public static string Point(GeoPoint? point) => point is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{point.Longitude:0.000000}, {point.Latitude:0.000000}");

    public static string OrDash(string? value) => string.IsNullOrEmpty(value) ? "-" : value;

    private static string Plural(int amount, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{amount} {unit}{(amount == 1 ? "" : "s")}");
}
