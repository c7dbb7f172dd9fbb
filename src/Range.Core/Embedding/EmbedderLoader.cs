using RangeOrleans.Core.Banks;
using RangeOrleans.Core.Encoders;
using RangeOrleans.Core.Formats.Checkpoint;
using RangeOrleans.Core.Retrieval;

namespace RangeOrleans.Core.Embedding;

/// <summary>Builds an <see cref="ILocationEmbedder"/> from an <see cref="EmbedderSpec"/>: reads and checks the checkpoint and bank once.</summary>
public static class EmbedderLoader
{
    public static ILocationEmbedder Load(EmbedderSpec spec)
    {
        spec.Validate();
        var device = ComputeDevice.Parse(spec.Device);
        var checkpoint = TorchCheckpointReader.Read(spec.CheckpointPath);
        if (spec.Model == EmbeddingModelKind.SphericalHarmonics)
        {
            var config = SatClipLocationModel.ReadConfig(checkpoint.StateDict, checkpoint.HyperParameters, spec.CheckpointPath, spec.Harmonics);
            return new SphericalHarmonicsEmbedder(new SphericalHarmonics(config.LegendrePolys, spec.Harmonics));
        }
        var encoder = SatClipLocationModel.Load(checkpoint.StateDict, checkpoint.HyperParameters, spec.CheckpointPath, spec.Harmonics, device);
        if (spec.Model == EmbeddingModelKind.SatClip)
            return new SatClipEmbedder(encoder);
        try
        {
            var bank = FeatureBank.Load(spec.BankPath!);
            if (bank.KeyDim != encoder.Config.EmbedDim)
                throw new Formats.RangeFormatException(spec.BankPath!,
                    $"bank keys have dimension {bank.KeyDim} but checkpoint '{spec.CheckpointPath}' embeds locations in {encoder.Config.EmbedDim} dimensions");
            var retriever = new RangeRetriever(bank.Keys, bank.KeyDim, bank.Values, bank.ValueDim, bank.Lon, bank.Lat, device);
            return new RangeEmbedder(encoder, retriever, spec.RetrievalOptions());
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }
}
