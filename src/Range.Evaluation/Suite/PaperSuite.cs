using RangeOrleans.Evaluation.Encoders;
using RangeOrleans.Evaluation.Tasks;

namespace RangeOrleans.Evaluation.Suite;

/// <summary>
/// The paper's comparison as this project can run it: every task x encoder (raw coordinates, spherical
/// harmonics, SatCLIP, RANGE, RANGE+ at beta 0, 0.25, 0.5, 0.75, 1, the top-1 / top-k ablations), and
/// the bank-size ablation (10, 25, 50, 75 % of the bank, stratified) for RANGE, RANGE+ and beta = 0
/// on the air-temperature task.
/// </summary>
public static class PaperSuite
{
    public const string Name = "paper";
    public static readonly double[] Betas = [0, 0.25, 0.5, 0.75, 1];
    public static readonly double[] BankFractions = [0.1, 0.25, 0.5, 0.75];
    public static readonly int[] CheckerboardKs = [100, 1000];

    public static IReadOnlyList<IEvaluationTask> Tasks(string dataDir) =>
    [
        new AirTemperatureTask(dataDir),
        new PrecipitationTask(dataDir),
        new CaliforniaHousingTask(dataDir),
        new CountryTask(dataDir),
        .. CheckerboardKs.Select(k => new CheckerboardTask(k)),
        new NightLightsTask(dataDir),
    ];

    public static IReadOnlyList<EncoderRequest> Encoders(bool withModel, bool withBank)
    {
        var list = new List<EncoderRequest>
        {
            new(EncoderRequest.Direct), new(EncoderRequest.Cartesian3d), new(EncoderRequest.Wrap), new(EncoderRequest.Harmonics),
        };
        if (withModel) list.Add(new(EncoderRequest.SatClip));
        if (withModel && withBank)
        {
            list.Add(new(EncoderRequest.Range));
            list.AddRange(Betas.Select(b => new EncoderRequest(EncoderRequest.RangePlus) { Beta = b }));
            list.Add(new(EncoderRequest.RangeTop1));
            list.Add(new(EncoderRequest.RangeTopK));
        }
        return list;
    }

    public static IReadOnlyList<SuiteRun> Plan(string dataDir, bool withModel, bool withBank)
    {
        var tasks = Tasks(dataDir);
        var runs = Encoders(withModel, withBank).Select(e => new SuiteRun(e, tasks)).ToList();
        if (withModel && withBank)
        {
            IEvaluationTask ablationTask = tasks[0];
            foreach (var fraction in BankFractions)
            {
                runs.Add(new SuiteRun(new EncoderRequest(EncoderRequest.Range) { BankFraction = fraction }, [ablationTask]));
                runs.Add(new SuiteRun(new EncoderRequest(EncoderRequest.RangePlus) { Beta = 0.5, BankFraction = fraction }, [ablationTask]));
                runs.Add(new SuiteRun(new EncoderRequest(EncoderRequest.RangePlus) { Beta = 0, BankFraction = fraction }, [ablationTask]));
            }
        }
        return runs;
    }
}
