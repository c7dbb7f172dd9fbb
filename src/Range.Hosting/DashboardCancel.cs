using Microsoft.AspNetCore.Http;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// The jobs page's Cancel button: <c>POST /jobs/{id}/cancel</c> with the form's <see cref="DashboardCancelToken"/>. It cancels
/// through <see cref="JobView.CancelAsync"/>, as <c>range cancel</c> and <c>DELETE /v1/jobs/{id}</c> do, then redirects
/// (303) back to the jobs page, which says what happened in one line. A missing or wrong token gets 403 and touches nothing.
/// </summary>
public static class DashboardCancel
{
    /// <summary>What the redirect tells the page: the job and one of the outcome words below.</summary>
    public const string JobParameter = "cancel", OutcomeParameter = "outcome";

    private const string Cancelled = "cancelled", NoSuchJob = "no-such-job", Unreachable = "unreachable", AlreadyPrefix = "already-";

    public static async Task<IResult> HandleAsync(HttpContext context, string id, IGrainFactory grains, DashboardCancelToken tokens)
    {
        if (!tokens.Allows(id, await ReadTokenAsync(context.Request)))
            return Results.Text($"refused: the cancel form's {DashboardCancelToken.Field} is missing or wrong; reload the jobs page and try again\n",
                "text/plain; charset=utf-8", statusCode: StatusCodes.Status403Forbidden);
        string outcome;
        try
        {
            var job = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).FindAsync(id);
            if (job is null) outcome = NoSuchJob;
            else
            {
                // Read first so a job that had already ended is reported as such, not as cancelled by this click.
                var before = await JobView.ReadAsync(grains, job);
                var after = before.IsFinal ? before : await JobView.CancelAsync(grains, job);
                outcome = !before.IsFinal && after.State == JobState.Cancelled ? Cancelled : AlreadyPrefix + Word(after.State);
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException) { outcome = Unreachable; }
        // 303: the browser follows with a GET, so reloading the page does not post again. Relative, so it also works
        // behind a proxy that mounts the dashboard under a path.
        context.Response.Headers.Location = $"../../jobs?{JobParameter}={Uri.EscapeDataString(id)}&{OutcomeParameter}={outcome}";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>The page's line for a redirect's query, or null when it carries none.</summary>
    public static string? Line(IQueryCollection query)
    {
        string job = query[JobParameter].ToString(), outcome = query[OutcomeParameter].ToString();
        if (job.Length == 0 || outcome.Length == 0) return null;
        return outcome switch
        {
            Cancelled => $"Cancelled job '{job}': its running work stops and its temporary files are removed.",
            NoSuchJob => $"No job '{job}' in this cluster; nothing cancelled.",
            Unreachable => $"Job '{job}' did not answer; it may not be cancelled. Try again, or `range cancel {job}`.",
            _ when outcome.StartsWith(AlreadyPrefix, StringComparison.Ordinal) =>
                $"Job '{job}' had already ended ({outcome[AlreadyPrefix.Length..]}); left as it is.",
            _ => null,
        };
    }

    private static async Task<string?> ReadTokenAsync(HttpRequest request)
    {
        if (!request.HasFormContentType) return null;
        try { return (await request.ReadFormAsync(request.HttpContext.RequestAborted))[DashboardCancelToken.Field].ToString(); }
        catch (InvalidDataException) { return null; } // a malformed form carries no token
    }

    private static string Word(JobState state) => state.ToString().ToLowerInvariant();
}
