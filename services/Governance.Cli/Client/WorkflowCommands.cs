using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Google.Protobuf;
using Governance.Contracts.V1;

namespace Governance.Cli.Client;

/// <summary>
/// One command per WorkflowService step (研-交-办-督-结). Each acts on the incident version the operator names with
/// --expect-version; without it the command reads the incident first and acts on the version it just read, and says
/// so, because the API always wants the version the caller saw and the operator should know which one that was.
/// </summary>
internal static class WorkflowCommands
{
    public static IEnumerable<Command> All() =>
    [
        Register(), Reject(), Merge(), Dispatch(), Sign(), Return(), Progress(), Handled(), Verify(), Close(), Reopen(),
        Escalate(), Supervise(), Extend(), DecideExtension(), Resolve(),
    ];

    private static Command Register()
    {
        var note = Text("--note", "A note for the audit trail (立案意见).");
        return Step("register", "立案 (RegisterIncident): accept a reported incident as a case. County center, or the incident's township office.",
            [note],
            (p, id, version) => new RegisterIncidentRequest { IncidentId = id, ExpectedVersion = version, Note = p.GetValue(note) ?? "" },
            (RegisterIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Reject()
    {
        var reason = Text("--reason", "Why it is not a case.", required: true);
        return Step("reject", "不予立案 (RejectIncident): reject a reported incident. Command center.",
            [reason],
            (p, id, version) => new RejectIncidentRequest { IncidentId = id, ExpectedVersion = version, Reason = p.GetValue(reason)! },
            (RejectIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Merge()
    {
        var into = Text("--into", "The open incident this one duplicates.", required: true);
        var note = Text("--note", "A note for the audit trail.");
        return Step("merge", "合并 (MergeIncident): merge a reported or registered duplicate into another open incident. Command center.",
            [into, note],
            (p, id, version) => new MergeIncidentRequest { IncidentId = id, ExpectedVersion = version, IntoIncidentId = p.GetValue(into)!, Note = p.GetValue(note) ?? "" },
            (MergeIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Dispatch()
    {
        var lead = Text("--lead", "The lead department (主办), e.g. 330290-SFJ.", required: true);
        var assist = new Option<string[]>("--assist") { Description = "An assisting department (协办); repeat for each, at most 8." };
        var note = Text("--note", "A dispatch instruction.");
        return Step("dispatch",
            "派遣 (DispatchIncident): send a registered, returned or escalated incident to a lead and assisting departments. " +
            "County center (any department of the county), or the township office (its township's departments).",
            [lead, assist, note],
            (p, id, version) => new DispatchIncidentRequest
            {
                IncidentId = id,
                ExpectedVersion = version,
                LeadDepartmentCode = p.GetValue(lead)!,
                AssistingDepartmentCodes = { p.GetValue(assist) ?? [] },
                Note = p.GetValue(note) ?? "",
            },
            (DispatchIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Sign() =>
        Step("sign", "签收 (SignAssignment): your department (the token's) signs for its assignment. Department handler.",
            [],
            (_, id, version) => new SignAssignmentRequest { IncidentId = id, ExpectedVersion = version },
            (SignAssignmentResponse r) => (r.Incident, r.Changed));

    private static Command Return()
    {
        var reason = Text("--reason", "Why it is not your department's.", required: true);
        return Step("return", "退回 (ReturnAssignment): hand your department's assignment back to the center. Department handler.",
            [reason],
            (p, id, version) => new ReturnAssignmentRequest { IncidentId = id, ExpectedVersion = version, Reason = p.GetValue(reason)! },
            (ReturnAssignmentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Progress()
    {
        var note = Text("--note", "What was done or found so far.", required: true);
        var photos = Photos();
        return Step("progress", "ReportProgress: a progress note from your department on a signed assignment. Department handler.",
            [note, photos],
            (p, id, version) => new ReportProgressRequest { IncidentId = id, ExpectedVersion = version, Note = p.GetValue(note)!, Photos = { Describe(p.GetValue(photos)) } },
            (ReportProgressResponse r) => (r.Incident, r.Changed));
    }

    private static Command Handled()
    {
        var notes = Text("--notes", "What was done.", required: true);
        var photos = Photos();
        return Step("handled",
            "处置完成 (ReportHandled): your department's part is done; the incident is handled when every active assignment is. Department handler.",
            [notes, photos],
            (p, id, version) => new ReportHandledRequest { IncidentId = id, ExpectedVersion = version, Notes = p.GetValue(notes)!, Photos = { Describe(p.GetValue(photos)) } },
            (ReportHandledResponse r) => (r.Incident, r.Changed));
    }

    private static Command Verify()
    {
        var result = new Option<string>("--result") { Description = "pass: ready to close; fail: rework by the same departments (needs --note).", Required = true }
            .AcceptOnlyFromAmong("pass", "fail");
        var note = Text("--note", "What was found on site; required when the check failed.");
        return Step("verify", "核查 (VerifyIncident): check a handled incident on site. Command center, or the grid worker who reported it.",
            [result, note],
            (p, id, version) => new VerifyIncidentRequest { IncidentId = id, ExpectedVersion = version, Passed = p.GetValue(result) == "pass", Note = p.GetValue(note) ?? "" },
            (VerifyIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Close()
    {
        var note = Text("--note", "A closing note.");
        return Step("close", "结案 (CloseIncident): close a verified incident. Command center.",
            [note],
            (p, id, version) => new CloseIncidentRequest { IncidentId = id, ExpectedVersion = version, Note = p.GetValue(note) ?? "" },
            (CloseIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Reopen()
    {
        var reason = Text("--reason", "Why: the problem came back, a complaint.", required: true);
        return Step("reopen", "ReopenIncident: reopen a closed or resolved-on-the-spot incident; it waits for a new dispatch. Command center.",
            [reason],
            (p, id, version) => new ReopenIncidentRequest { IncidentId = id, ExpectedVersion = version, Reason = p.GetValue(reason)! },
            (ReopenIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Escalate()
    {
        var reason = Text("--reason", "Why the township cannot solve it.", required: true);
        return Step("escalate", "上报上级 (EscalateIncident): hand a registered or returned incident up to the county center. The incident's township office.",
            [reason],
            (p, id, version) => new EscalateIncidentRequest { IncidentId = id, ExpectedVersion = version, Reason = p.GetValue(reason)! },
            (EscalateIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Supervise()
    {
        var note = Text("--note", "The instruction (督办意见).", required: true);
        return Step("supervise", "督办 (SuperviseIncident): urge an open incident on; counted and noted, the state does not change. Command center.",
            [note],
            (p, id, version) => new SuperviseIncidentRequest { IncidentId = id, ExpectedVersion = version, Note = p.GetValue(note)! },
            (SuperviseIncidentResponse r) => (r.Incident, r.Changed));
    }

    private static Command Extend()
    {
        var amount = new Option<int>("--amount") { Description = "How much more time, at least 1, added to the current handle deadline.", Required = true };
        var unit = new Option<string>("--unit") { Description = "The unit of --amount, counted on the working calendar.", Required = true }
            .AcceptOnlyFromAmong("working-hours", "working-days", "natural-hours");
        var reason = Text("--reason", "Why more time is needed.", required: true);
        return Step("extend", "延期申请 (RequestExtension): ask for more time on your department's handle deadline; one pending request at a time. Department handler.",
            [amount, unit, reason],
            (p, id, version) => new RequestExtensionRequest
            {
                IncidentId = id,
                ExpectedVersion = version,
                Extra = new TimeLimit
                {
                    Amount = p.GetValue(amount),
                    Unit = p.GetValue(unit) switch
                    {
                        "working-hours" => TimeLimitUnit.WorkingHours,
                        "working-days" => TimeLimitUnit.WorkingDays,
                        _ => TimeLimitUnit.NaturalHours,
                    },
                },
                Reason = p.GetValue(reason)!,
            },
            (RequestExtensionResponse r) => (r.Incident, r.Changed));
    }

    private static Command DecideExtension()
    {
        var department = Text("--department", "The department whose pending request is decided.", required: true);
        var approve = new Option<bool>("--approve") { Description = "Approve: the department's handle deadline moves (audited)." };
        var refuse = new Option<bool>("--refuse") { Description = "Refuse: the deadline stays." };
        var note = Text("--note", "A note for the department.");
        var command = Step("decide-extension", "DecideExtension: approve or refuse a department's pending extension request. Command center.",
            [department, approve, refuse, note],
            (p, id, version) => new DecideExtensionRequest
            {
                IncidentId = id,
                ExpectedVersion = version,
                DepartmentCode = p.GetValue(department)!,
                Approve = p.GetValue(approve),
                Note = p.GetValue(note) ?? "",
            },
            (DecideExtensionResponse r) => (r.Incident, r.Changed));
        // Approve is a bool on the wire, so a forgotten flag would silently refuse; the command line asks for one explicitly.
        command.Validators.Add(result =>
        {
            if (result.GetValue(approve) == result.GetValue(refuse))
            {
                result.AddError("pass exactly one of --approve or --refuse.");
            }
        });
        return command;
    }

    private static Command Resolve()
    {
        var notes = Text("--notes", "What was done on the spot.", required: true);
        var photos = Photos();
        return Step("resolve", "现场处置 (ResolveOnSpot): you reported it and fixed it on the spot; closed at grid level. The reporting grid worker.",
            [notes, photos],
            (p, id, version) => new ResolveOnSpotRequest { IncidentId = id, ExpectedVersion = version, Notes = p.GetValue(notes)!, Photos = { Describe(p.GetValue(photos)) } },
            (ResolveOnSpotResponse r) => (r.Incident, r.Changed));
    }

    /// <summary>
    /// The shape every step shares: the incident id, the step's own options, --expect-version, and the incident after
    /// the step as the answer.
    /// </summary>
    private static Command Step<TRequest, TResponse>(
        string name,
        string description,
        Option[] own,
        Func<ParseResult, string, long, TRequest> request,
        Func<TResponse, (Incident Incident, bool Changed)> outcome)
        where TRequest : IMessage<TRequest>
        where TResponse : IMessage<TResponse>, new()
    {
        var id = new Argument<string>("id") { Description = "The incident id, as report printed it." };
        var expectVersion = new Option<long?>("--expect-version")
        {
            Description = "The incident version you last saw (incident, or the previous step's answer). Omitted: the incident is read first and its current version used.",
        };
        var address = CommonOptions.Address();
        var token = CommonOptions.Token();
        var json = CommonOptions.Json();
        var command = new Command(name, description) { id };
        foreach (var option in own.Append(expectVersion).Append(address).Append(token).Append(json))
        {
            command.Options.Add(option);
        }
        command.SetAction((parseResult, cancellationToken) => CommandRunner.RunAsync(parseResult, cancellationToken, async output =>
        {
            var incidentId = parseResult.GetValue(id)!;
            using var host = new HostClient(CommonOptions.ParseAddress(parseResult.GetValue(address)), CommonOptions.RequireToken(parseResult.GetValue(token)));
            var version = parseResult.GetValue(expectVersion) ?? await ReadVersionAsync(host, incidentId, output, cancellationToken).ConfigureAwait(false);
            var response = await host.WorkflowAsync<TRequest, TResponse>(request(parseResult, incidentId, version), cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(json))
            {
                output.Line(Display.Json(response));
                return ExitCodes.Ok;
            }
            var (incident, changed) = outcome(response);
            var lines = new KeyValueWriter(output.Out);
            IncidentText.WriteIdentity(lines, incident);
            lines.Add("result", changed ? "changed" : "already done: nothing written");
            IncidentText.WriteAssignments(output, incident);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// The version an operator who gave none acts on: the one just read. The step is then checked against that
    /// read, not against what the operator looked at earlier, which stderr says so a script can pin it instead.
    /// </summary>
    private static async Task<long> ReadVersionAsync(HostClient host, string incidentId, CommandOutput output, CancellationToken cancellationToken)
    {
        var current = await host.GetIncidentAsync(new GetIncidentRequest { IncidentId = incidentId }, cancellationToken).ConfigureAwait(false);
        var version = current.Incident.Version;
        output.Note(string.Create(CultureInfo.InvariantCulture,
            $"no --expect-version: acting on version {version}, read just now ({Display.State(current.Incident.State)}); pass --expect-version to act only on the version you checked."));
        return version;
    }

    private static Option<string> Text(string name, string description, bool required = false) =>
        new(name) { Description = description, Required = required };

    /// <summary>Local image files to describe; the photos themselves go to the upload service, not through this API.</summary>
    private static Option<FileInfo[]> Photos()
    {
        var photos = new Option<FileInfo[]>("--photo")
        {
            Description = "An \"after\" photo (处置后照片): a local .jpg, .jpeg, .png, .heic, .heif or .webp file, sent as its name, SHA-256, size and type. Repeat for each, at most 9.",
        }.AcceptExistingOnly();
        // Checked while parsing, so a wrong file is a usage error before anything is read or sent.
        photos.Validators.Add(result =>
        {
            // The tokens, not the converted value: a missing file already failed conversion, and that error stands alone.
            foreach (var path in result.Tokens.Select(t => t.Value))
            {
                if (ContentType(Path.GetExtension(path)) is null)
                {
                    result.AddError($"--photo '{Path.GetFileName(path)}' is not a photo the API accepts: use a .jpg, .jpeg, .png, .heic, .heif or .webp file.");
                }
            }
        });
        return photos;
    }

    /// <summary>
    /// A local image as PhotoMetadata: its file name as the id (there is no upload service in a development setup),
    /// the lowercase hex SHA-256 of its bytes, its size and the type its extension names.
    /// </summary>
    private static IEnumerable<PhotoMetadata> Describe(FileInfo[]? files)
    {
        foreach (var file in files ?? [])
        {
            var bytes = File.ReadAllBytes(file.FullName);
            yield return new PhotoMetadata
            {
                PhotoId = file.Name,
                Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                SizeBytes = bytes.LongLength,
                ContentType = ContentType(file.Extension)!,
            };
        }
    }

    private static string? ContentType(string extension) => extension.ToLowerInvariant() switch
    {
        ".jpg" or ".jpeg" => "image/jpeg",
        ".png" => "image/png",
        ".heic" => "image/heic",
        ".heif" => "image/heif",
        ".webp" => "image/webp",
        _ => null,
    };
}
