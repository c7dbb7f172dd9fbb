using System.Globalization;
using System.Text;
using System.Text.Json;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Evaluation.Suite;

/// <summary>Writes a suite's results as results.json (every run and the summary), results.csv (every run) and results.md (the summary table).</summary>
public static class SuiteReport
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>The files <see cref="Write"/> puts in its folder.</summary>
    public static IReadOnlyList<string> FileNames { get; } = ["results.json", "results.csv", "results.md"];

    public static void Write(string directory, IReadOnlyList<EvaluationResult> results, IReadOnlyList<ResultSummary> summary, string header)
    {
        Directory.CreateDirectory(directory);
        WriteText(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(new { runs = results, summary = summary.Select(SummaryJson) }, Json));
        WriteText(Path.Combine(directory, "results.csv"), Csv(results));
        WriteText(Path.Combine(directory, "results.md"), Markdown(summary, header));
    }

    /// <summary>Writes a file atomically (nothing half-written under the real name).</summary>
    public static void WriteText(string path, string text)
    {
        using var pending = new PendingFile(path);
        var bytes = Encoding.UTF8.GetBytes(text);
        pending.Stream.Write(bytes);
        pending.Commit();
    }

    public static object SummaryJson(ResultSummary s) => new Dictionary<string, object?>
    {
        ["task"] = s.Task, ["encoder"] = s.Label, ["metric"] = s.Metric, ["mean"] = s.Mean, ["std"] = s.StdDev,
        ["runs"] = s.Runs, ["published"] = s.Published, ["dimension"] = s.Dimension,
    };

    public static string Csv(IEnumerable<EvaluationResult> results)
    {
        var sb = new StringBuilder("task,k,encoder,label,beta,bank_fraction,metric,value,seed,n_train,n_test,split,alpha,dimension,seconds\n");
        foreach (var r in results)
            sb.AppendLine(string.Join(",", r.Task, F(r.K), r.Encoder, Quote(r.Label), F(r.Beta), F(r.BankFraction), r.Metric, F(r.Value),
                F(r.Seed), F(r.NTrain), F(r.NTest), r.Split, F(r.Alpha), F(r.Dimension), r.Seconds.ToString("0.###", CultureInfo.InvariantCulture)));
        return sb.ToString();
    }

    /// <summary>Rows: encoders; columns: tasks; cells: mean ± std over seeds, the paper's number in brackets where it has one.</summary>
    public static string Markdown(IReadOnlyList<ResultSummary> summary, string header)
    {
        var tasks = summary.Select(s => (s.Task, s.Metric)).Distinct().ToList();
        var labels = summary.Select(s => s.Label).Distinct().ToList();
        var cells = summary.ToDictionary(s => (s.Task, s.Label));
        var sb = new StringBuilder();
        sb.AppendLine(header).AppendLine();
        sb.Append("| encoder |").AppendJoin("", tasks.Select(t => $" {t.Task} ({t.Metric}) |")).AppendLine();
        sb.Append("| --- |").AppendJoin("", tasks.Select(_ => " --- |")).AppendLine();
        foreach (var label in labels)
        {
            sb.Append("| ").Append(label).Append(" |");
            foreach (var (task, _) in tasks)
            {
                if (!cells.TryGetValue((task, label), out var s)) { sb.Append(" |"); continue; }
                sb.Append(' ').Append(s.Mean.ToString("0.000", CultureInfo.InvariantCulture));
                if (s.Runs > 1) sb.Append(" ± ").Append(s.StdDev.ToString("0.000", CultureInfo.InvariantCulture));
                if (s.Published is { } p) sb.Append(" [paper ").Append(p.ToString("0.000", CultureInfo.InvariantCulture)).Append(']');
                sb.Append(" |");
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    private static string F(double? v) => v is { } x ? x.ToString("R", CultureInfo.InvariantCulture) : "";
    private static string F(int? v) => v?.ToString(CultureInfo.InvariantCulture) ?? "";
    private static string Quote(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
