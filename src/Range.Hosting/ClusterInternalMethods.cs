using System.Collections.Concurrent;
using System.Reflection;
using RangeOrleans.Abstractions;

namespace RangeOrleans.Hosting;

/// <summary>
/// Which grain methods are the cluster's own business: those marked <see cref="ClusterInternalAttribute"/>, or declared on
/// an interface so marked. Read once per method (reflection), then from a cache: both the silo's outgoing stamp and its
/// front door ask on every call.
/// </summary>
internal static class ClusterInternalMethods
{
    private static readonly ConcurrentDictionary<MethodInfo, bool> s_internal = new();

    public static bool IsInternal(MethodInfo method) => s_internal.GetOrAdd(method, static m =>
        m.IsDefined(typeof(ClusterInternalAttribute), inherit: false)
        || m.DeclaringType?.IsDefined(typeof(ClusterInternalAttribute), inherit: false) == true);

    /// <summary>The method as a stamp names it: its interface's full name and its own (the same on the calling and the called silo).</summary>
    public static string Name(MethodInfo method) => $"{method.DeclaringType?.FullName}.{method.Name}";
}
