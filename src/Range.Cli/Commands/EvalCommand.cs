using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Formats;
using RangeOrleans.Evaluation.Encoders;
using RangeOrleans.Evaluation.Probe;
using RangeOrleans.Evaluation.Splits;
using RangeOrleans.Evaluation.Suite;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range eval</c>: the paper's linear probe of one encoder on one task (<c>--task --encoder</c>), or the
/// whole comparison (<c>--suite paper</c>) written as Markdown, CSV and JSON.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var task = new Option<string?>("--task")
        {
            Description = $"Task: {string.Join(", ", TaskCatalog.Names)}, or csv:FILE (with --target; a CSV with lon/lng/long/longitude and lat/latitude columns, any case).",
        };
        var encoder = new Option<string?>("--encoder")
        {
            Description = $"Encoder: {string.Join(", ", EncoderRequest.Names)}.",
        };
        var suite = new Option<string?>("--suite") { Description = "Run a whole suite instead of one task x encoder: 'paper' (every task x encoder and the bank-size ablation)." };
        suite.AcceptOnlyFromAmong(PaperSuite.Name);
        var checkpoint = new Option<FileInfo?>("--checkpoint") { Description = "SatCLIP checkpoint (.ckpt) for sh (its L), satclip and the range encoders." };
        var bank = new Option<FileInfo?>("--bank") { Description = "RANGE bank (.npz database or Arrow bank) for the range encoders." };
        var beta = new Option<double?>("--beta")
        {
            Description = "range+ only, in [0, 1]: bank entries weighted beta x similarity of embeddings + (1 - beta) x closeness to the point; " +
                "1: similarity only (as range), 0: closeness only (the paper's RANGE-HAVER). Default 0.5.",
        };
        var bankFraction = new Option<double>("--bank-fraction")
        {
            Description = "range encoders: use this share of the bank, stratified by 10-degree lon/lat cells (the bank-size ablation).",
            DefaultValueFactory = _ => 1.0,
        };
        var topK = new Option<int>("--top-k") { Description = "k for range-topk.", DefaultValueFactory = _ => 100 };
        var k = new Option<int>("--k") { Description = "checkerboard: number of lattice centres (100 to 10000).", DefaultValueFactory = _ => CheckerboardTask.DefaultK };
        var seed = new Option<int>("--seed") { Description = "Seed of the split, the CV folds and any sampling.", DefaultValueFactory = _ => 0 };
        var seeds = new Option<int>("--seeds") { Description = "Repeat with seeds S, S+1, ..., S+N-1 and report the mean and standard deviation.", DefaultValueFactory = _ => 1 };
        var split = new Option<string>("--split")
        {
            Description = "random (seeded 80/20), or holdout:CONTINENT (that continent is the test set): africa or asia (the paper's test continents), south-america or oceania (validation continents, for choosing recipes).",
            DefaultValueFactory = _ => "random",
        };
        var fewShot = new Option<double>("--few-shot") { Description = "With holdout: move this share of the held-out continent's points into training (e.g. 0.01).", DefaultValueFactory = _ => 0 };
        var target = new Option<string?>("--target") { Description = "csv:FILE tasks: the column to predict." };
        var kind = new Option<string?>("--kind") { Description = "csv:FILE tasks: regression (default) or classification." };
        kind.AcceptOnlyFromAmong("regression", "classification");
        var report = OutputOption.Create<string?>("PATH", "Single run: a JSON file to write (the result is printed either way). Suite: a folder for results.md, results.csv and results.json.", required: false, "--report");
        var harmonics = new Option<string>("--sh") { Description = "Spherical harmonics evaluation: compat (default) or exact.", DefaultValueFactory = _ => "compat" };
        harmonics.AcceptOnlyFromAmong("compat", "exact");
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:<index>.", DefaultValueFactory = _ => "cpu" };

        var command = new Command("eval", "Linear-probe evaluation of location encoders on the paper's tasks (min-max scaling, ridge with alpha from {0.1, 1, 10} by cross-validation).");
        foreach (var option in new Option[] { task, encoder, suite, checkpoint, bank, beta, bankFraction, topK, k, seed, seeds, split, fewShot, target, kind, report, harmonics, device })
            command.Options.Add(option);

        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            int runs = result.GetValue(seeds);
            if (runs < 1) throw new ArgumentException($"--seeds must be at least 1, got {runs}");
            var seedList = Enumerable.Range(result.GetValue(seed), runs).ToArray();
            var splitSpec = SplitSpec.Parse(result.GetValue(split), result.GetValue(fewShot));
            var factory = new EncoderFactory(result.GetValue(checkpoint)?.FullName, result.GetValue(bank)?.FullName,
                result.GetValue(harmonics) == "exact" ? HarmonicsEvaluation.Exact : HarmonicsEvaluation.Compat, result.GetValue(device)!);
            var reportPath = result.GetValue(report);
            var taskText = result.GetValue(task);
            (string, string?)[] inputs =
            [
                ("--checkpoint", factory.CheckpointPath), ("--bank", factory.BankPath),
                ("--task", taskText is not null && taskText.StartsWith(TaskCatalog.CsvPrefix, StringComparison.OrdinalIgnoreCase) ? taskText[TaskCatalog.CsvPrefix.Length..] : null),
            ];

            if (result.GetValue(suite) is not null)
            {
                if (result.GetValue(task) is not null || result.GetValue(encoder) is not null)
                    throw new ArgumentException("--suite runs every task and encoder: leave out --task and --encoder");
                if (reportPath is null) throw new ArgumentException("--suite needs --output DIR");
                OutputCheck.Folder(reportPath, OutputOption.Name, SuiteReport.FileNames, inputs);
                return RunSuite(factory, splitSpec, seedList, reportPath, output);
            }

            var taskName = result.GetValue(task) ?? throw new ArgumentException("--task is required (or --suite paper)");
            var request = new EncoderRequest(result.GetValue(encoder) ?? throw new ArgumentException("--encoder is required (or --suite paper)"))
            {
                Beta = result.GetValue(beta),
                BankFraction = result.GetValue(bankFraction),
                TopK = result.GetValue(topK),
            };
            request.Validate();
            if (reportPath is not null) OutputCheck.File(reportPath, OutputOption.Name, inputs);
            var kindText = result.GetValue(kind);
            var evaluationTask = TaskCatalog.Create(taskName, new TaskCatalog.Options
            {
                CheckerboardK = result.GetValue(k),
                Target = result.GetValue(target),
                Kind = kindText is null ? null : ProblemKindNames.Parse(kindText),
            });
            var runner = new SuiteRunner(factory, splitSpec, seedList)
            {
                OnResult = r => output.WriteLine($"{r.Task} {r.Label} seed {r.Seed}: {r.Metric} = {r.Value:0.0000} (alpha {r.Alpha}, {r.NTrain} train / {r.NTest} test)"),
            };
            var results = runner.Run([new SuiteRun(request, [evaluationTask])]);
            var summary = Summarise(results)[0];
            output.WriteLine(summary.Runs > 1
                ? $"{summary.Metric} = {summary.Mean:0.0000} ± {summary.StdDev:0.0000} over {summary.Runs} seeds"
                : $"{summary.Metric} = {summary.Mean:0.0000}");
            if (reportPath is not null)
            {
                var first = results[0];
                var json = new Dictionary<string, object?>
                {
                    ["task"] = first.Task, ["encoder"] = first.Encoder, ["label"] = first.Label, ["metric"] = first.Metric,
                    ["value"] = summary.Mean, ["std"] = summary.StdDev, ["seed"] = first.Seed, ["seeds"] = seedList,
                    ["n_train"] = first.NTrain, ["n_test"] = first.NTest, ["split"] = first.Split, ["published"] = summary.Published,
                    ["runs"] = results,
                };
                SuiteReport.WriteText(Path.GetFullPath(reportPath), JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
            }
            return 0;
        });
        return command;
    }

    private static int RunSuite(EncoderFactory factory, SplitSpec split, int[] seeds, string directory, TextWriter output)
    {
        var plan = PaperSuite.Plan(SampleDataDirectory.Find(), factory.CheckpointPath is not null, factory.BankPath is not null);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var runner = new SuiteRunner(factory, split, seeds)
        {
            OnResult = r => output.WriteLine($"[{clock.Elapsed:mm\\:ss}] {ResultSummary.TaskLabel(r)} | {r.Label} | seed {r.Seed} | {r.Metric} {r.Value:0.0000}"),
        };
        var results = runner.Run(plan);
        var summary = Summarise(results);
        string header = $"Linear-probe results: checkpoint `{Path.GetFileName(factory.CheckpointPath) ?? "-"}`, bank `{Path.GetFileName(factory.BankPath) ?? "-"}`, " +
            $"split {split.Name}, seeds {string.Join(", ", seeds)}; mean ± sample std over seeds, the RANGE paper's Table 2 in brackets.";
        SuiteReport.Write(Path.GetFullPath(directory), results, summary, header);
        output.WriteLine($"{results.Count} probes in {clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s; wrote results.md, results.csv, results.json to {directory}");
        return 0;
    }

    private static IReadOnlyList<ResultSummary> Summarise(IReadOnlyList<EvaluationResult> results) =>
        ResultSummary.Of(results, r => PublishedResults.Lookup(r.Task, new EncoderRequest(r.Encoder) { Beta = r.Beta, BankFraction = r.BankFraction ?? 1 }, r.Split));
}
