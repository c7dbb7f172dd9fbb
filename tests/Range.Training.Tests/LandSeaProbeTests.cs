using RangeOrleans.Core.Embedding;
using RangeOrleans.Core.Geography;
using RangeOrleans.Training.Data;
using RangeOrleans.Training.Samplers;
using RangeOrleans.Training.Training;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Tests;

public sealed class LandSeaProbeTests
{
    [Fact]
    public void TrainedLocationEmbeddingsClassifyLandAndSeaBetterThanRawCoordinates()
    {
        using var dir = new TempDir();
        var options = new SatClipTrainingOptions
        {
            Epochs = 4, BatchSize = 128, LearningRate = 1e-3, TileSize = 16, VisionWidth = 16, VisionLayers = [1, 1], EmbedDim = 64, LegendrePolys = 10, Capacity = 128,
        };
        SatClipTrainer.Train(EarthImageryDataset.Sample(4000, seed: 11), options, dir.Path);

        var land = LandMask.Load();
        var sampler = new UniformSphereSampler();
        var (trainLon, trainLat) = sampler.Sample(2000, seed: 21);
        var (testLon, testLat) = sampler.Sample(2000, seed: 22);
        double[] Labels(double[] lon, double[] lat) => lon.Select((x, i) => land.IsLand(x, lat[i]) ? 1.0 : -1.0).ToArray();

        using var embedder = EmbedderLoader.Load(new EmbedderSpec(dir.File("last.ckpt"), EmbeddingModelKind.SatClip));
        double[,] Embed(double[] lon, double[] lat)
        {
            var flat = new float[lon.Length * embedder.Dimension];
            embedder.Embed(lon, lat, flat);
            var m = new double[lon.Length, embedder.Dimension];
            for (int i = 0; i < lon.Length; i++)
                for (int j = 0; j < embedder.Dimension; j++) m[i, j] = flat[i * embedder.Dimension + j];
            return m;
        }
        double[,] Raw(double[] lon, double[] lat)
        {
            var m = new double[lon.Length, 2];
            for (int i = 0; i < lon.Length; i++) (m[i, 0], m[i, 1]) = (lon[i], lat[i]);
            return m;
        }

        var yTrain = Labels(trainLon, trainLat);
        var yTest = Labels(testLon, testLat);
        double raw = RidgeAccuracy(Raw(trainLon, trainLat), yTrain, Raw(testLon, testLat), yTest);
        double trained = RidgeAccuracy(Embed(trainLon, trainLat), yTrain, Embed(testLon, testLat), yTest);
        Assert.True(trained > raw + 0.03, $"land/sea accuracy: trained embeddings {trained:P1}, raw coordinates {raw:P1}");
    }

    /// <summary>Min-max scaling fitted on the training part, ridge (alpha 1) on {-1, +1} targets, accuracy of the sign on the test part.</summary>
    private static double RidgeAccuracy(double[,] xTrain, double[] yTrain, double[,] xTest, double[] yTest)
    {
        using var scope = NewDisposeScope();
        var a = tensor(xTrain);
        var b = tensor(xTest);
        var min = a.amin([0]);
        var range = (a.amax([0]) - min).clamp_min(1e-12);
        Tensor Design(Tensor x) => cat([(x - min) / range, ones(x.shape[0], 1, dtype: ScalarType.Float64)], 1);
        var da = Design(a);
        var gram = da.t().matmul(da) + eye(da.shape[1], dtype: ScalarType.Float64);
        var w = linalg.solve(gram, da.t().matmul(tensor(yTrain).unsqueeze(1)));
        var predicted = Design(b).matmul(w).squeeze(1).sign();
        return (predicted == tensor(yTest)).to(ScalarType.Float64).mean().item<double>();
    }
}
