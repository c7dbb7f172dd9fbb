using System.Globalization;
using System.Net;
using System.Text;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// The silo's jobs view (<c>/jobs</c> beside the Orleans dashboard): every job the registry lists, as <c>range jobs</c>
/// does, with its kind, state, progress and rate, in an HTML table that reloads itself every 2 s, and a Cancel button (a
/// plain form, <see cref="DashboardCancel"/>) beside each preparing or running job. Server-rendered and script-free, so it
/// shows in any browser or <c>curl</c>; every value from a job is HTML-encoded.
/// </summary>
public static class JobsPage
{
    private sealed record Row(JobSummary Job, JobState State, string Progress, double? Fraction, string Rate, string? Error);

    /// <param name="outcome">The line a cancel left (<see cref="DashboardCancel.Line"/>), shown above the table.</param>
    public static async Task<string> RenderAsync(IGrainFactory grains, DashboardCancelToken tokens, string? outcome)
    {
        var jobs = await grains.GetGrain<IJobRegistryGrain>(IJobRegistryGrain.Key).ListAsync();
        var rows = await Task.WhenAll(jobs.Select(job => ReadAsync(grains, job)));
        var html = new StringBuilder("""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>range jobs</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;width:100%}
            th,td{border-bottom:1px solid #ddd;padding:.35em .6em;text-align:left;font-size:14px;vertical-align:middle}
            th{background:#f3f3f6}.bar{width:140px;height:10px;background:#e4e4ea;display:inline-block;margin-right:.5em}
            .bar span{display:block;height:100%;background:#4a6ee0}.running{color:#1a7f37;font-weight:600}.failed{color:#c62828;font-weight:600}
            .num{text-align:right;font-variant-numeric:tabular-nums}form{margin:0}.outcome{background:#fff8e1;padding:.4em .6em}
            </style></head><body>
            <h1>Jobs</h1><p><a href="./">Orleans dashboard</a> (silos, grains) &middot; refreshed every 2 s
            """);
        html.Append(CultureInfo.InvariantCulture, $" &middot; {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z &middot; {rows.Length} job(s)</p>\n");
        if (outcome is not null) html.Append(CultureInfo.InvariantCulture, $"<p class=\"outcome\" id=\"outcome\">{E(outcome)}</p>\n");
        html.Append("<table id=\"jobs\"><tr><th>submitted (UTC)</th><th>job</th><th>kind</th><th>state</th><th>progress</th><th>rate</th><th>destination</th><th></th></tr>\n");
        foreach (var row in rows)
        {
            string state = Name(row.State);
            html.Append(CultureInfo.InvariantCulture, $"<tr data-job=\"{E(row.Job.JobId)}\"><td>{row.Job.SubmittedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td>{E(row.Job.JobId)}</td><td>{Name(row.Job.Kind)}</td><td class=\"{state}\">{state}</td><td>");
            if (row.Fraction is { } f)
                html.Append(CultureInfo.InvariantCulture, $"<span class=\"bar\"><span style=\"width:{Math.Clamp(f, 0, 1) * 100:0.#}%\"></span></span>");
            html.Append(CultureInfo.InvariantCulture, $"{E(row.Progress)}{(row.Error is null ? "" : $"<br><span class=\"failed\">{E(row.Error)}</span>")}</td>");
            html.Append(CultureInfo.InvariantCulture, $"<td class=\"num\">{E(row.Rate)}</td><td>{E(row.Job.Destination)}</td><td>");
            if (row.State is JobState.Preparing or JobState.Running) AppendCancelForm(html, row.Job.JobId, tokens);
            html.Append("</td></tr>\n");
        }
        if (rows.Length == 0) html.Append("<tr><td colspan=\"8\">no jobs</td></tr>\n");
        return html.Append("</table></body></html>\n").ToString();
    }

    // Relative action: /jobs/{id}/cancel from /jobs, and the same under a proxy's path prefix.
    private static void AppendCancelForm(StringBuilder html, string jobId, DashboardCancelToken tokens) =>
        html.Append(CultureInfo.InvariantCulture, $"<form method=\"post\" action=\"jobs/{E(Uri.EscapeDataString(jobId))}/cancel\">" +
            $"<input type=\"hidden\" name=\"{DashboardCancelToken.Field}\" value=\"{E(tokens.For(jobId))}\"><button type=\"submit\">Cancel</button></form>");

    // Each kind's status through its own grain; a job whose grain does not answer shows that instead of failing the page.
    private static async Task<Row> ReadAsync(IGrainFactory grains, JobSummary job)
    {
        try
        {
            switch (job.Kind)
            {
                case JobKind.Bank:
                    var bank = await grains.GetGrain<IBankJobGrain>(job.JobId).GetStatusAsync();
                    return new Row(job, bank.State, $"{bank.DoneShards}/{bank.TotalShards} shards ({bank.RunningShards} running), {bank.Entries:N0} entries",
                        Fraction(bank.DoneShards, bank.TotalShards), "", bank.Error);
                case JobKind.Pretrain:
                    var pretrain = await grains.GetGrain<IPretrainJobGrain>(job.JobId).GetStatusAsync();
                    var last = pretrain.Reports.LastOrDefault();
                    return new Row(job, pretrain.State, $"{pretrain.EpochsDone}/{pretrain.Epochs} epochs, attempt {pretrain.Attempts}" +
                        (pretrain.WorkerSilo is null ? "" : $" on {pretrain.WorkerSilo}"), Fraction(pretrain.EpochsDone, pretrain.Epochs),
                        last is null ? "" : $"{last.Elapsed.TotalSeconds:N0} s/epoch", pretrain.Error);
                default:
                    var map = await grains.GetGrain<IJobCoordinatorGrain>(job.JobId).GetStatusAsync();
                    return new Row(job, map.State, $"{map.DonePoints:N0}/{map.TotalPoints:N0} points, {map.DoneShards}/{map.TotalShards} shards ({map.RunningShards} running)" +
                        (map.TimeLeft is { } left ? $", {left:hh\\:mm\\:ss} left" : ""), Fraction(map.DonePoints, map.TotalPoints),
                        map.PointsPerSecond > 0 ? $"{map.PointsPerSecond:N0} points/s" : "", map.Error);
            }
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return new Row(job, JobState.Unknown, "status unavailable", null, "", e.Message);
        }
    }

    private static double? Fraction(double done, double total) => total > 0 ? done / total : null;

    private static string Name<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
