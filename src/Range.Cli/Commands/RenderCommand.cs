using System.CommandLine;
using RangeOrleans.Maps.Drawing;
using RangeOrleans.Maps.Input;
using RangeOrleans.Maps.Projection;

namespace RangeOrleans.Cli.Commands;

/// <summary>
/// <c>range render</c>: embeddings as a picture. Each input (a map job's DEST folder or an Arrow file)
/// becomes one panel: its embeddings projected to 3 components (PCA or ICA), coloured as RGB, drawn on an
/// equirectangular world map. Several inputs (a beta sweep) make one image with a panel each.
/// </summary>
public static class RenderCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("DEST")
        {
            Description = "Map output folder(s) (DEST/shards/*.arrow) or Arrow embedding file(s) from range embed; several make one panel each.",
            Arity = ArgumentArity.OneOrMore,
        };
        var png = OutputOption.Create<FileInfo>("FILE.png", "PNG file to write.", required: true, "--png");
        var method = new Option<string>("--method") { Description = "pca (principal components) or ica (FastICA, as the paper's maps).", DefaultValueFactory = _ => "pca" };
        method.AcceptOnlyFromAmong("pca", "ica");
        var width = new Option<int>("--width") { Description = "Width of one map panel in pixels (height is half).", DefaultValueFactory = _ => 1024 };
        var title = new Option<string?>("--title") { Description = "Title above the maps (default: the model names)." };
        var labels = new Option<string[]>("--label") { Description = "Caption of each panel, in input order (default: the model and input name).", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Seed of ICA's start and of the fit sample.", DefaultValueFactory = _ => 0 };
        var noCoastlines = new Option<bool>("--no-coastlines") { Description = "Leave out the coastlines (Natural Earth 1:50m land outlines) drawn over the maps." };

        var command = new Command("render", "Draw embedding maps as a PNG: embeddings projected to RGB on an equirectangular world map.");
        command.Arguments.Add(inputs);
        foreach (var option in new Option[] { png, method, width, title, labels, seed, noCoastlines }) command.Options.Add(option);
        command.SetAction(result =>
        {
            var paths = result.GetValue(inputs)!;
            var captions = result.GetValue(labels) ?? [];
            if (captions.Length != 0 && captions.Length != paths.Length)
                throw new ArgumentException($"{captions.Length} --label values for {paths.Length} inputs");
            var projection = result.GetValue(method) == "ica" ? ProjectionMethod.Ica : ProjectionMethod.Pca;
            var outPath = result.GetValue(png)!.FullName;
            var outDir = Path.GetDirectoryName(outPath)!;
            if (!Directory.Exists(outDir)) throw new DirectoryNotFoundException($"output folder '{outDir}' does not exist");
            Core.Formats.OutputCheck.File(outPath, OutputOption.Name, paths.Select(p => ("DEST", (string?)p)).ToArray());

            var panels = new List<MapPanel>();
            var models = new List<string>();
            int dims = 0, points = 0;
            for (int i = 0; i < paths.Length; i++)
            {
                var data = EmbeddingMapInput.Read(paths[i]);
                var model = data.Metadata.TryGetValue("range.model", out var m) ? m : "embedding";
                models.Add(model);
                var components = EmbeddingProjection.Project(data.Embeddings, data.Count, data.Dimension, projection, result.GetValue(seed));
                var caption = captions.Length > 0 ? captions[i] : $"{model}: {Path.GetFileName(Path.TrimEndingDirectorySeparator(paths[i]))}";
                panels.Add(new MapPanel(caption, data.Lon, data.Lat, ColourScale.ToRgb(components, data.Count)));
                dims = data.Dimension;
                points = data.Count;
            }
            string name = projection == ProjectionMethod.Ica ? "ICA" : "PCA";
            string heading = result.GetValue(title) ?? $"{string.Join(", ", models.Distinct())} location embeddings ({name})";
            bool coast = !result.GetValue(noCoastlines);
            string legend = $"colour = {name} components 1, 2, 3 of the {dims}-d embedding as red, green, blue (1st-99th percentile stretch); {points:N0} points per panel; lon -180..180, lat 90..-90{(coast ? "; coastlines: Natural Earth" : "")}";
            WorldMapRenderer.WritePng(outPath, panels, result.GetValue(width), heading, legend, coast ? Coastlines.Load() : null, ColourBar.RgbComponents(name));
            result.InvocationConfiguration.Output.WriteLine($"wrote {outPath} ({panels.Count} panel{(panels.Count > 1 ? "s" : "")}, {name})");
            return 0;
        });
        return command;
    }
}
