namespace RangeOrleans.Grains.Jobs;

/// <summary>
/// A job's planner found its DEST claimed by another spec's job (one that got there first, perhaps a moment ago): the job
/// fails without touching DEST, whose partial files belong to that other job. Stays inside the silo (the client hears the message).
/// </summary>
public sealed class DestinationTakenException(string message, Exception inner) : ArgumentException(message, inner);
