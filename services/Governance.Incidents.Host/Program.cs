using Governance.Incidents.Host;

var app = IncidentsHostApp.Create(args);
await app.RunAsync();
