using RangeOrleans.Core.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RangeOrleans.Training.Models;

/// <summary>
/// The SatCLIP pair: <c>visual</c> (image encoder, float32), <c>location</c> (spherical harmonics + SIREN,
/// float64) and the learnable temperature <c>logit_scale</c> (initialised to log(1/0.07)). State-dict
/// names, under the Lightning prefix "model.", are those of the reference checkpoints.
/// </summary>
public sealed class SatClipModel : nn.Module<(Tensor Images, Tensor Harmonics), Tensor>
{
    public const string StateDictPrefix = "model.";
    public static readonly double InitialLogitScale = Math.Log(1 / 0.07);

    /// <summary>CLIP caps the logit scale at 100 so the temperature cannot collapse.</summary>
    public const double MaxLogitScale = 100;

    private readonly ResNetImageEncoder visual;
    private readonly LocationEncoder location;
    private readonly Parameter logit_scale;

    /// <summary>The joint mode: a small ResNet trained from scratch with the location encoder.</summary>
    public SatClipModel(ResNetConfig vision, LocationEncoderConfig locationConfig, double dropout)
        : this(new ResNetImageEncoder(vision), locationConfig, dropout)
    {
    }

    /// <summary>On a given image tower: e.g. a frozen backbone whose fc alone trains (<see cref="ResNetImageEncoder.Freeze"/>).</summary>
    public SatClipModel(ResNetImageEncoder visual, LocationEncoderConfig locationConfig, double dropout) : base(nameof(SatClipModel))
    {
        if (visual.EmbedDim != locationConfig.EmbedDim)
            throw new ArgumentException($"image embedding {visual.EmbedDim} and location embedding {locationConfig.EmbedDim} must match");
        this.visual = visual;
        location = new LocationEncoder(locationConfig, dropout);
        logit_scale = nn.Parameter(tensor((float)InitialLogitScale));
        RegisterComponents();
    }

    public ResNetImageEncoder Visual => visual;
    public LocationEncoder Location => location;
    public Parameter LogitScale => logit_scale;

    /// <summary>Image-to-location logits [n, n]: exp(s) * normalise(f_img) normalise(f_loc)^T, in float32.</summary>
    public override Tensor forward((Tensor Images, Tensor Harmonics) batch)
    {
        using var scope = NewDisposeScope();
        return Logits(visual.forward(batch.Images), batch.Harmonics).MoveToOuterDisposeScope();
    }

    /// <summary>The logits from image embeddings already computed (e.g. fc of cached frozen features) and location features.</summary>
    public Tensor Logits(Tensor imageEmbeddings, Tensor harmonics)
    {
        using var scope = NewDisposeScope();
        var image = nn.functional.normalize(imageEmbeddings, dim: 1);
        var loc = nn.functional.normalize(location.forward(harmonics).to(ScalarType.Float32), dim: 1);
        var scale = logit_scale.exp().clamp_max(MaxLogitScale);
        return (scale * image.matmul(loc.t())).MoveToOuterDisposeScope();
    }

    /// <summary>Symmetric InfoNCE: (CE(logits, I) + CE(logits^T, I)) / 2.</summary>
    public static Tensor ContrastiveLoss(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var labels = arange(logits.shape[0], dtype: ScalarType.Int64, device: logits.device);
        var loss = (nn.functional.cross_entropy(logits, labels) + nn.functional.cross_entropy(logits.t(), labels)) / 2;
        return loss.MoveToOuterDisposeScope();
    }
}
