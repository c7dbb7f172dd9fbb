using Microsoft.Extensions.DependencyInjection;
using Orleans.Persistence.Redis;
using Orleans.Runtime;
using RangeOrleans.Grains.Jobs;
using StackExchange.Redis;

namespace RangeOrleans.Cluster.Tests;

/// <summary>Which failures jobs ride out: the Redis errors a cluster silo registers, found inside the storage provider's wrapper.</summary>
public sealed class TransientFailuresTests
{
    private static readonly TransientFailures Cluster = new([typeof(RedisException)]);

    [Fact]
    public void AStateWriteThatFailedBecauseRedisWasDownIsTransientOnAClusterSilo()
    {
        var write = new RedisStorageException("Failed to write grain state", new RedisConnectionException(ConnectionFailureType.SocketClosed, "no connection"));
        Assert.True(Cluster.IsTransient(write));
        Assert.True(Cluster.IsTransient(new RedisConnectionException(ConnectionFailureType.UnableToConnect, "membership read")));
    }

    [Fact]
    public void RedisErrorsAreNotTransientWhereNoRedisIsConfigured() =>
        Assert.False(new TransientFailures().IsTransient(new RedisConnectionException(ConnectionFailureType.SocketClosed, "no connection")));

    [Fact]
    public void SiloLossAndTimeoutsAreTransientEvenWhenWrapped()
    {
        var none = new TransientFailures();
        Assert.True(none.IsTransient(new SiloUnavailableException()));
        Assert.True(none.IsTransient(new AggregateException(new InvalidOperationException("other"), new TimeoutException())));
        Assert.True(none.IsTransient(new InvalidOperationException("outer", new TimeoutException())));
    }

    [Fact]
    public void AnOrleansExceptionOrADisposedObjectOfTheJobsOwnIsNotTransientSoADeterministicBugFailsTheJobAtOnce()
    {
        var none = new TransientFailures();
        Assert.False(none.IsTransient(new OrleansException("serializer not found for type X")));
        Assert.False(none.IsTransient(Thrown(() => ObjectDisposedException.ThrowIf(true, new object()))));
        // A storage provider's wrapper around an outage is still transient, through its inner exception.
        Assert.True(Cluster.IsTransient(new OrleansException("Error from storage provider during WriteStateAsync",
            new RedisConnectionException(ConnectionFailureType.SocketClosed, "no connection"))));
    }

    [Fact]
    public void ADisposedRuntimeServiceIsTransientTheSiloIsStopping()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        services.Dispose();
        var disposed = Thrown(() => services.GetService<object>());
        Assert.IsType<ObjectDisposedException>(disposed);
        Assert.True(new TransientFailures().IsTransient(disposed));
    }

    private static Exception Thrown(Action action)
    {
        try { action(); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("nothing was thrown");
    }

    [Fact]
    public void ErrorsARetryCannotFixAreNotTransient()
    {
        Assert.False(Cluster.IsTransient(new ArgumentException("bad spec")));
        Assert.False(Cluster.IsTransient(new RedisStorageException("Failed to write grain state", new InvalidOperationException("serialization"))));
    }
}
