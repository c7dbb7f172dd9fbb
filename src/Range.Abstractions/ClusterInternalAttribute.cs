namespace RangeOrleans.Abstractions;

/// <summary>
/// Marks a grain interface, or one method of it, as the cluster's own business: silos answer it only when a grain or
/// a silo of the cluster calls, never a client (the silos' incoming call filter reads this mark; docs/security.md).
/// Clients have the public job surface: submit, status, cancel, list.
/// </summary>
[AttributeUsage(AttributeTargets.Interface | AttributeTargets.Method, Inherited = false)]
public sealed class ClusterInternalAttribute : Attribute;
