using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Formats;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Retrieval;

namespace RangeOrleans.Evaluation.Encoders;

/// <summary>
/// Builds the evaluated encoders from one checkpoint and one bank (any SatCLIP checkpoint and RANGE
/// bank: ours or published). The checkpoint and bank are read once and shared by every encoder built.
/// </summary>
public sealed class EncoderFactory(string? checkpointPath, string? bankPath,
    HarmonicsEvaluation harmonics = HarmonicsEvaluation.Compat, string device = "cpu")
{
    private TorchCheckpoint? _checkpoint;
    private FeatureBank? _bank;

    public string? CheckpointPath => checkpointPath;
    public string? BankPath => bankPath;

    /// <summary>A fresh embedder (the caller disposes it). <paramref name="seed"/> picks the bank subsample.</summary>
    public ILocationEmbedder Create(EncoderRequest request, int seed = 0)
    {
        request.Validate();
        switch (request.Name)
        {
            case EncoderRequest.Direct: return new DirectEmbedder();
            case EncoderRequest.Cartesian3d: return new Cartesian3dEmbedder();
            case EncoderRequest.Wrap: return new WrapEmbedder();
            case EncoderRequest.Harmonics:
                int degree = checkpointPath is null
                    ? 10
                    : SatClipLocationModel.ReadConfig(Checkpoint().StateDict, Checkpoint().HyperParameters, checkpointPath, harmonics).LegendrePolys;
                return new SphericalHarmonicsEmbedder(new SphericalHarmonics(degree, harmonics));
        }
        var encoder = LoadEncoder(request);
        if (request.Name == EncoderRequest.SatClip) return new SatClipEmbedder(encoder);
        try
        {
            var bank = StratifiedBankSample.Take(Bank(), request.BankFraction, seed);
            if (bank.KeyDim != encoder.Config.EmbedDim)
                throw new RangeFormatException(bankPath!, $"bank keys have dimension {bank.KeyDim} but checkpoint '{checkpointPath}' embeds locations in {encoder.Config.EmbedDim} dimensions");
            var retriever = new RangeRetriever(bank.Keys, bank.KeyDim, bank.Values, bank.ValueDim, bank.Lon, bank.Lat, ComputeDevice.Parse(device));
            return new RangeEmbedder(encoder, retriever, Options(request));
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }

    private static RetrievalOptions Options(EncoderRequest request) => request.Name switch
    {
        EncoderRequest.RangePlus => RetrievalOptions.RangePlus(beta: request.Beta),
        EncoderRequest.RangeTop1 => RetrievalOptions.Range() with { Selection = RetrievalSelection.Top1 },
        EncoderRequest.RangeTopK => RetrievalOptions.Range() with { Selection = RetrievalSelection.TopK, TopK = request.TopK },
        _ => RetrievalOptions.Range(),
    };

    private LocationEncoder LoadEncoder(EncoderRequest request)
    {
        var checkpoint = Checkpoint(request.Name);
        return SatClipLocationModel.Load(checkpoint.StateDict, checkpoint.HyperParameters, checkpointPath!, harmonics, ComputeDevice.Parse(device));
    }

    private TorchCheckpoint Checkpoint(string? encoder = null)
    {
        if (checkpointPath is null) throw new ArgumentException($"encoder '{encoder}' needs --checkpoint (a SatCLIP .ckpt)");
        return _checkpoint ??= TorchCheckpointReader.Read(checkpointPath);
    }

    private FeatureBank Bank()
    {
        if (bankPath is null) throw new ArgumentException("the range encoders need --bank (a RANGE .npz database or an Arrow bank)");
        return _bank ??= FeatureBank.Load(bankPath);
    }
}
