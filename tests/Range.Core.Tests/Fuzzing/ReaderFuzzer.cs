using RangeOrleans.Core.Formats;

namespace RangeOrleans.Core.Tests.Fuzzing;

/// <summary>
/// Deterministic mutation fuzzing of a reader with a fixed budget: truncations, bit flips, extreme values
/// written over length fields, inserted and deleted spans. Every case must end in success or the reader's
/// own <see cref="RangeFormatException"/>, within a time limit and an allocation bound (a header claiming
/// 10^12 elements must be refused before anything is allocated).
/// </summary>
internal static class ReaderFuzzer
{
    public sealed record Outcome(int Cases, int Refused, int Accepted, List<string> Failures);

    public static Outcome Run(byte[] seed, Action<byte[]> read, int cases, int randomSeed, TimeSpan? perCase = null, long? allocationLimit = null)
    {
        var rng = new Random(randomSeed);
        var inputs = Enumerable.Range(0, cases).Select(_ => Mutate(seed, rng));
        return RunCases(inputs, read, perCase, allocationLimit ?? DefaultAllocationLimit(seed.Length));
    }

    /// <summary>
    /// For formats that carry checksums (the zip members of .ckpt and .npz): as <see cref="Run"/>, and a
    /// mutated input that is read without error must give exactly what the seed gives (<paramref name="read"/>
    /// returns a fingerprint of everything read). Otherwise the corruption went undetected: a failure. Such
    /// accepted-and-unchanged inputs are mutations of bytes the reader ignores (see the test using it).
    /// </summary>
    public static Outcome RunChecked(byte[] seed, Func<byte[], string> read, int cases, int randomSeed, TimeSpan? perCase = null, long? allocationLimit = null)
    {
        string expected = read(seed);
        return Run(seed, bytes =>
        {
            string got = read(bytes);
            if (got != expected) throw new UndetectedCorruptionException(expected, got);
        }, cases, randomSeed, perCase, allocationLimit);
    }

    /// <summary>A mutated input was read without error but gave a different result.</summary>
    public sealed class UndetectedCorruptionException(string expected, string got)
        : Exception($"read without error but with a different result (undetected corruption): fingerprint {got[..Math.Min(16, got.Length)]}, the original's {expected[..Math.Min(16, expected.Length)]}");

    /// <summary>The allocation a reader may make for an input made from a seed of <paramref name="seedLength"/> bytes.</summary>
    public static long DefaultAllocationLimit(int seedLength) => 64L * seedLength + (256L << 20);

    /// <summary>Runs the reader on given inputs (crafted rather than mutated) under the same checks.</summary>
    public static Outcome RunCases(IEnumerable<(byte[] Bytes, string How)> inputs, Action<byte[]> read, TimeSpan? perCase, long maxAllocated) =>
        RunCases(inputs, read, e => e is RangeFormatException, perCase, maxAllocated);

    /// <summary>
    /// Any input type: each case must succeed or throw what <paramref name="isRefusal"/> accepts (a
    /// reader's format error, a validator's ArgumentException), within the time and allocation bounds.
    /// </summary>
    public static Outcome RunCases<T>(IEnumerable<(T Input, string How)> inputs, Action<T> read, Func<Exception, bool> isRefusal, TimeSpan? perCase, long maxAllocated)
    {
        var limit = perCase ?? TimeSpan.FromSeconds(10);
        int cases = 0, refused = 0, accepted = 0;
        var failures = new List<string>();
        foreach (var (input, how) in inputs)
        {
            int i = cases++;
            long allocated = 0;
            Exception? error = null;
            var task = Task.Factory.StartNew(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try { read(input); }
                catch (Exception ex) { error = ex; }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }, TaskCreationOptions.LongRunning);
            if (!task.Wait(limit))
            {
                failures.Add($"case {i} ({how}): no answer within {limit.TotalSeconds} s");
                continue;
            }
            if (allocated > maxAllocated)
                failures.Add($"case {i} ({how}): allocated {allocated:N0} bytes (at most {maxAllocated:N0})");
            if (error is null) accepted++;
            else if (isRefusal(error)) refused++;
            else failures.Add($"case {i} ({how}): {error.GetType().Name}: {error.Message}");
        }
        return new Outcome(cases, refused, accepted, failures);
    }

    private static (byte[] Bytes, string How) Mutate(byte[] seed, Random rng)
    {
        var b = (byte[])seed.Clone();
        switch (rng.Next(6))
        {
            case 0:
            {
                int n = rng.Next(b.Length);
                return (b.AsSpan(0, n).ToArray(), $"truncated to {n}");
            }
            case 1:
            {
                int flips = 1 + rng.Next(8);
                for (int k = 0; k < flips; k++) b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8));
                return (b, $"{flips} bit flips");
            }
            case 2:
            {
                // Extreme values over a would-be length field, near the start where headers live.
                int at = rng.Next(Math.Min(b.Length, 4096));
                byte[][] values = [[0xFF, 0xFF, 0xFF, 0xFF], [0xFF, 0xFF, 0xFF, 0x7F], [0, 0, 0, 0x80], [0, 0, 0, 0], [0xE8, 0xD4, 0xA5, 0x10, 0xE8, 0, 0, 0]];
                var v = values[rng.Next(values.Length)];
                for (int k = 0; k < v.Length && at + k < b.Length; k++) b[at + k] = v[k];
                return (b, $"extreme value at {at}");
            }
            case 3:
            {
                int at = rng.Next(b.Length), len = 1 + rng.Next(64);
                var insert = new byte[len];
                rng.NextBytes(insert);
                return ([.. b.AsSpan(0, at), .. insert, .. b.AsSpan(at)], $"{len} random bytes inserted at {at}");
            }
            case 4:
            {
                int at = rng.Next(b.Length), len = Math.Min(1 + rng.Next(256), b.Length - at);
                return ([.. b.AsSpan(0, at), .. b.AsSpan(at + len)], $"{len} bytes deleted at {at}");
            }
            default:
            {
                int at = rng.Next(b.Length), len = Math.Min(1 + rng.Next(32), b.Length - at);
                rng.NextBytes(b.AsSpan(at, len));
                return (b, $"{len} bytes randomised at {at}");
            }
        }
    }
}
