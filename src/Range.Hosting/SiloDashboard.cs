using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace RangeOrleans.Hosting;

/// <summary>
/// The silo's web endpoint: the Orleans dashboard (silos, grains, calls) at <c>/</c> and the jobs page at <c>/jobs</c>,
/// on <see cref="DashboardSettings"/>' address, behind basic auth when a password is set. Every <c>range silo</c> collects
/// the dashboard's statistics (<see cref="AddRangeDashboard"/>), so one silo's page shows them all; only silos given a
/// port serve it. The jobs page's Cancel buttons post to <c>/jobs/{id}/cancel</c> (<see cref="DashboardCancel"/>). The live log stream is off: log lines name paths and hosts.
/// </summary>
public static class SiloDashboard
{
    public static ISiloBuilder AddRangeDashboard(this ISiloBuilder silo) => silo.AddDashboard(o => o.HideTrace = true);

    /// <summary>A silo host serving the dashboard; <paramref name="configure"/> adds logging and the silo itself.</summary>
    public static IHost Build(DashboardSettings settings, Action<IHostApplicationBuilder> configure)
    {
        settings.Validate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(settings.Address, settings.Port));
        configure(builder);
        var app = builder.Build();
        if (!string.IsNullOrEmpty(settings.Password)) app.Use(BasicAuthentication.Require(DashboardSettings.User, settings.Password));
        var tokens = new DashboardCancelToken();
        app.MapGet("/jobs", async (HttpContext context, IGrainFactory grains) =>
        {
            // Its Cancel buttons must not be clickable through another site's frame (clickjacking).
            context.Response.Headers.XFrameOptions = "DENY";
            context.Response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            return Results.Content(await JobsPage.RenderAsync(grains, tokens, DashboardCancel.Line(context.Request.Query)), "text/html; charset=utf-8");
        });
        // POST only (a GET gets 405): a link or an image on another page must not cancel anything.
        app.MapPost("/jobs/{id}/cancel", (HttpContext context, string id, IGrainFactory grains) => DashboardCancel.HandleAsync(context, id, grains, tokens));
        app.MapOrleansDashboard();
        return app;
    }
}
