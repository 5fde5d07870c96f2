using Governance.Analytics.Host;

var app = AnalyticsHostApp.Create(args);
await app.RunAsync();
