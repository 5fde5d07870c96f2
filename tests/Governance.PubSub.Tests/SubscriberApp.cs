using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.PubSub.Tests;

/// <summary>
/// A small real app on 127.0.0.1 with pub/sub wired as the services wire it: a scripted subscriber on the topic and a
/// recorder on its dead-letter topic, the sidecar routes mapped, settings given as command-line arguments.
/// </summary>
public sealed class SubscriberApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SubscriberApp(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public IServiceProvider Services => _app.Services;

    public ScriptedSubscriber Subscriber => _app.Services.GetRequiredService<ScriptedSubscriber>();

    public DeadLetterSubscriber DeadLetters => _app.Services.GetRequiredService<DeadLetterSubscriber>();

    public IEventPublisher Publisher => _app.Services.GetRequiredService<IEventPublisher>();

    public static async Task<SubscriberApp> StartAsync(params string[] settings)
    {
        var builder = WebApplication.CreateSlimBuilder(settings);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.AddGovernancePubSub();
        builder.Services.AddCloudEventSubscription<ScriptedSubscriber>("/pubsub/incidents");
        builder.Services.AddCloudEventSubscription<DeadLetterSubscriber>("/pubsub/incidents-dead-letter", topic: o => o.DeadLetterTopic, deadLetterTopic: _ => null);
        var app = builder.Build();
        app.MapDaprSubscriptions();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new SubscriberApp(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
