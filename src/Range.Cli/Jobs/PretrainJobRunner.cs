using RangeOrleans.Abstractions;
using RangeOrleans.Grains.Pretraining;
using RangeOrleans.Hosting;
using RangeOrleans.Training.Training;

namespace RangeOrleans.Cli.Jobs;

/// <summary>
/// Submits a pretraining job and waits for it, printing the dataset once a worker opened it, each epoch's report as
/// it arrives, and each new attempt: in an in-process silo (embedded default) or on a Redis cluster.
/// </summary>
public static class PretrainJobRunner
{
    public static Task<PretrainJobStatus> RunAsync(PretrainJobSpec spec, string jobId, RangeClusterOptions? cluster, TextWriter output) =>
        ClusterHosts.WithClientAsync(cluster, "cpu", ClusterHosts.Job(jobId, spec.Destination, JobKind.Pretrain), async client =>
        {
            var job = client.GetGrain<IPretrainJobGrain>(jobId);
            var shown = new Shown(spec, jobId, output);
            var submitted = await job.SubmitAsync(spec);
            shown.Update(submitted);
            var status = await JobWatcher.PollAsync(submitted, JobWatcher.Ended, job.GetStatusAsync, shown.Update);
            output.WriteLine(JobWatcher.Describe(status));
            return status;
        });

    /// <summary>What has been printed so far, so each line appears once.</summary>
    private sealed class Shown(PretrainJobSpec spec, string jobId, TextWriter output)
    {
        private bool _data;
        private int _reports;
        private int _attempt = 1;

        public void Update(PretrainJobStatus status)
        {
            if (!_data && status.DataName is not null)
            {
                _data = true;
                output.WriteLine($"pretrain on {status.DataName}: {status.Tiles:N0} tiles x {status.Channels} channels, {spec.TileSize} px; {spec.Epochs} epochs, batch {spec.BatchSize}, seed {spec.Seed}" +
                    spec.VisionBackbone switch
                    {
                        null => "; joint: the image tower trains with the location encoder",
                        SatClipTrainingOptions.RandomVisionBackbone => "; frozen random image tower (only its fc and the location encoder train)",
                        var file => $"; frozen backbone {file} (only fc and the location encoder train)",
                    });
            }
            for (; _reports < status.Reports.Length; _reports++)
            {
                Attempt(status.Reports[_reports].Attempt);
                output.WriteLine(PretrainJobs.Describe(status.Reports[_reports]));
            }
            if (!status.IsFinal) Attempt(status.Attempts);
        }

        private void Attempt(int attempt)
        {
            if (attempt <= _attempt) return;
            _attempt = attempt;
            output.WriteLine($"{jobId}: attempt {attempt}: the previous one's silo died or its run failed; it resumes from the stored checkpoint");
        }
    }
}
