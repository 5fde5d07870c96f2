using Governance.Standalone;

var app = StandaloneApp.Create(args);
await app.RunAsync();
