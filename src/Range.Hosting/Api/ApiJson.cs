using System.Text.Json;
using System.Text.Json.Serialization;

namespace RangeOrleans.Hosting.Api;

/// <summary>
/// The front end's JSON: camelCase names (the spec records' properties, camelCased), enums as camelCase strings, and an
/// unknown member refused (a misspelt setting must not be dropped silently and the job run with its default).
/// </summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>
    /// <paramref name="element"/> as a <typeparamref name="T"/>; an <see cref="ApiRefusal"/> (400) naming the member at
    /// <paramref name="field"/> that is wrong when it is not one.
    /// </summary>
    public static T Read<T>(JsonElement element, string field)
    {
        try
        {
            return element.Deserialize<T>(Options) ?? throw new ApiRefusal(400, field, $"{field}: null; expected an object");
        }
        catch (JsonException e)
        {
            string at = field + (e.Path ?? "$").TrimStart('$');
            throw new ApiRefusal(400, at, $"{at}: {e.Message}");
        }
    }
}
