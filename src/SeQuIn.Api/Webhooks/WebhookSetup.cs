namespace SeQuIn.Api.Webhooks;

public static class WebhookSetup
{
    public static IServiceCollection AddSeQuInWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("SeQuIn:Webhooks").Get<WebhookOptions>() ?? new WebhookOptions();
        // A malformed allowed range stops the service at start, not at the first delivery.
        _ = options.AllowedNetworks();
        services.AddSingleton(options);
        services.AddSingleton<WebhookAddresses>();
        services.AddHttpClient(WebhookDispatcher.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(provider => new SocketsHttpHandler
            {
                // Every connection is checked on the address it is really made to (WebhookAddresses).
                ConnectCallback = provider.GetRequiredService<WebhookAddresses>().ConnectAsync,
                // A redirect would lead the service wherever the receiver likes: a 3xx is a failed attempt.
                AllowAutoRedirect = false,
                UseCookies = false,
                UseProxy = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                ConnectTimeout = options.RequestTimeout,
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddHostedService<WebhookDispatcher>();
        return services;
    }
}
