using System.Text.Json;
using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Geography;

/// <summary>
/// Reads TopoJSON (as in Natural Earth's world-atlas files) into <see cref="GeoFeature"/>s. Arcs are
/// delta-encoded quantised positions decoded with <c>transform.scale</c> / <c>translate</c>; a geometry's
/// rings list arc indices where ~i (= -i - 1) means arc i reversed, and consecutive arcs share their
/// joining point. Only Polygon and MultiPolygon geometries are kept. The file is read as data only;
/// anything malformed is a <see cref="RangeFormatException"/> naming the file and the place.
/// </summary>
public static class TopoJsonReader
{
    /// <summary>The features of object <paramref name="objectName"/> (e.g. "countries", "land").</summary>
    public static IReadOnlyList<GeoFeature> Read(string path, string objectName)
    {
        using var stream = File.OpenRead(path);
        return Read(stream, path, objectName);
    }

    public static IReadOnlyList<GeoFeature> Read(Stream stream, string source, string objectName)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(stream, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            throw new RangeFormatException(source, $"not valid JSON: {ex.Message}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "Topology")
                throw new RangeFormatException(source, "not a TopoJSON Topology (root \"type\" must be \"Topology\")");
            var arcs = DecodeArcs(root, source);
            if (!root.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Object)
                throw new RangeFormatException(source, "TopoJSON has no \"objects\"");
            if (!objects.TryGetProperty(objectName, out var obj))
                throw new RangeFormatException(source, $"TopoJSON has no object '{objectName}' (has: {string.Join(", ", objects.EnumerateObject().Select(p => p.Name))})");
            var geometries = obj.TryGetProperty("geometries", out var g) && g.ValueKind == JsonValueKind.Array
                ? g.EnumerateArray().ToList()
                : [obj];
            var features = new List<GeoFeature>();
            for (int i = 0; i < geometries.Count; i++)
            {
                var geometry = geometries[i];
                string where = $"{objectName}.geometries[{i}]";
                if (geometry.ValueKind != JsonValueKind.Object) throw new RangeFormatException(source, $"{where} is not an object");
                string? gtype = geometry.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                List<GeoPolygon> polygons;
                if (gtype == "Polygon")
                {
                    polygons = [ReadPolygon(Property(geometry, "arcs", source, where), arcs, source, where)];
                }
                else if (gtype == "MultiPolygon")
                {
                    polygons = [];
                    foreach (var p in Elements(Property(geometry, "arcs", source, where), source, where))
                        polygons.Add(ReadPolygon(p, arcs, source, where));
                }
                else
                {
                    continue; // points, lines, null geometries: not areas
                }
                string? id = geometry.TryGetProperty("id", out var idEl) ? idEl.ValueKind switch
                {
                    JsonValueKind.String => idEl.GetString(),
                    JsonValueKind.Number => idEl.GetRawText(),
                    _ => null,
                } : null;
                string? name = geometry.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object
                    && props.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                features.Add(new GeoFeature(id, name, polygons));
            }
            return features;
        }
    }

    private static double[][] DecodeArcs(JsonElement root, string source)
    {
        double sx = 1, sy = 1, tx = 0, ty = 0;
        bool quantised = false;
        if (root.TryGetProperty("transform", out var transform) && transform.ValueKind == JsonValueKind.Object)
        {
            var scale = Pair(Property(transform, "scale", source, "transform"), source, "transform.scale");
            var translate = Pair(Property(transform, "translate", source, "transform"), source, "transform.translate");
            (sx, sy, tx, ty, quantised) = (scale.A, scale.B, translate.A, translate.B, true);
        }
        var arcsEl = Property(root, "arcs", source, "root");
        var arcs = new List<double[]>();
        int index = 0;
        foreach (var arc in Elements(arcsEl, source, "arcs"))
        {
            string where = $"arcs[{index}]";
            var points = new List<double>();
            double x = 0, y = 0;
            foreach (var position in Elements(arc, source, where))
            {
                var (a, b) = Pair(position, source, where);
                if (quantised)
                {
                    x += a;
                    y += b;
                    points.Add(x * sx + tx);
                    points.Add(y * sy + ty);
                }
                else
                {
                    points.Add(a);
                    points.Add(b);
                }
            }
            if (points.Count < 4) throw new RangeFormatException(source, $"{where} has fewer than 2 positions");
            arcs.Add([.. points]);
            index++;
        }
        return [.. arcs];
    }

    private static GeoPolygon ReadPolygon(JsonElement rings, double[][] arcs, string source, string where)
    {
        var result = new List<double[]>();
        foreach (var ring in Elements(rings, source, where))
        {
            var points = new List<double>();
            foreach (var indexEl in Elements(ring, source, where))
            {
                if (indexEl.ValueKind != JsonValueKind.Number || !indexEl.TryGetInt32(out int i))
                    throw new RangeFormatException(source, $"{where}: arc index '{indexEl.GetRawText()}' is not an integer");
                bool reversed = i < 0;
                int arcIndex = reversed ? ~i : i;
                if (arcIndex >= arcs.Length) throw new RangeFormatException(source, $"{where}: arc index {i} but the topology has {arcs.Length} arcs");
                var arc = arcs[arcIndex];
                int n = arc.Length / 2;
                // Consecutive arcs share their joining point: skip the first point of every arc after the first.
                for (int k = points.Count == 0 ? 0 : 1; k < n; k++)
                {
                    int src = reversed ? n - 1 - k : k;
                    points.Add(arc[2 * src]);
                    points.Add(arc[2 * src + 1]);
                }
            }
            if (points.Count < 8) throw new RangeFormatException(source, $"{where}: a ring needs at least 4 positions, has {points.Count / 2}");
            result.Add([.. points]);
        }
        if (result.Count == 0) throw new RangeFormatException(source, $"{where}: polygon without rings");
        return new GeoPolygon(result);
    }

    private static JsonElement Property(JsonElement e, string name, string source, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : throw new RangeFormatException(source, $"{where} has no \"{name}\"");

    private static JsonElement.ArrayEnumerator Elements(JsonElement e, string source, string where) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : throw new RangeFormatException(source, $"{where}: expected an array, found {e.ValueKind}");

    private static (double A, double B) Pair(JsonElement e, string source, string where)
    {
        if (e.ValueKind != JsonValueKind.Array || e.GetArrayLength() < 2 || e[0].ValueKind != JsonValueKind.Number || e[1].ValueKind != JsonValueKind.Number)
            throw new RangeFormatException(source, $"{where}: expected a [x, y] number pair, found {Truncate(e.GetRawText())}");
        double a = e[0].GetDouble(), b = e[1].GetDouble();
        if (!double.IsFinite(a) || !double.IsFinite(b)) throw new RangeFormatException(source, $"{where}: non-finite coordinate");
        return (a, b);
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
