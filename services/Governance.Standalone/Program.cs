using Governance.Standalone;

// `rebuild-analytics [settings]` rebuilds the analytics store offline; anything else runs the host.
if (args.Length > 0 && args[0] == RebuildAnalyticsCommand.Name)
{
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
    return await RebuildAnalyticsCommand.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token);
}

var app = StandaloneApp.Create(args);
await app.RunAsync();
return 0;
