using System.CommandLine;
using System.Globalization;

namespace RangeOrleans.Cli.Commands;

/// <summary>An option that takes an age such as 7d, 12h, 30m or 45s (<c>range silo --job-retention</c>, <c>range jobs --older-than</c>).</summary>
public static class DurationOption
{
    public static Option<TimeSpan> Create(string name, string description, TimeSpan byDefault) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => byDefault,
        CustomParser = result =>
        {
            try { return Parse(name, result.Tokens.Single().Value); }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
                return default;
            }
        },
    };

    /// <summary>A whole or decimal number followed by d, h, m or s; <see cref="ArgumentException"/> naming the option otherwise.</summary>
    public static TimeSpan Parse(string name, string text)
    {
        string unit = text.Length == 0 ? "" : text[^1..];
        bool known = double.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.Float, CultureInfo.InvariantCulture, out double amount);
        TimeSpan? age = !known || amount < 0 || !double.IsFinite(amount) ? null : unit switch
        {
            "d" => TimeSpan.FromDays(amount),
            "h" => TimeSpan.FromHours(amount),
            "m" => TimeSpan.FromMinutes(amount),
            "s" => TimeSpan.FromSeconds(amount),
            _ => null,
        };
        return age ?? throw new ArgumentException($"{name} '{text}': give an age such as 7d, 12h, 30m or 45s");
    }
}
