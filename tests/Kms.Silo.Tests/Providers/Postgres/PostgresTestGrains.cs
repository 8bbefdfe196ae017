using System.Collections.Concurrent;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace Kms.Silo.Tests.Providers.Postgres;

/// <summary>Answers with the identity of the silo that hosts the activation.</summary>
public interface IPostgresProbeGrain : IGrainWithStringKey
{
    Task<string> GetSiloIdentityAsync();
}

/// <summary>Activates on the silo that first calls it, so a test chooses where it lives.</summary>
[PreferLocalPlacement]
public sealed class PostgresProbeGrain : Grain, IPostgresProbeGrain
{
    public Task<string> GetSiloIdentityAsync() => Task.FromResult(RuntimeIdentity);
}

/// <summary>Registers an Orleans reminder and reports its ticks to <see cref="Ticks"/>.</summary>
public interface IPostgresReminderGrain : IGrainWithStringKey
{
    Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period);
}

public sealed class PostgresReminderGrain : Grain, IPostgresReminderGrain, IRemindable
{
    /// <summary>Completed with the reminder name when the grain with that key receives its first tick.</summary>
    public static ConcurrentDictionary<string, TaskCompletionSource<string>> Ticks { get; } = new();

    public static TaskCompletionSource<string> TickFor(string key) =>
        Ticks.GetOrAdd(key, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

    public async Task RegisterAsync(string reminderName, TimeSpan dueTime, TimeSpan period) =>
        await this.RegisterOrUpdateReminder(reminderName, dueTime, period);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        TickFor(this.GetPrimaryKeyString()).TrySetResult(reminderName);
        return Task.CompletedTask;
    }
}

/// <summary>The grain state of the storage contract tests.</summary>
[GenerateSerializer]
public sealed class PostgresTestState
{
    [Id(0)]
    public string Text { get; set; } = string.Empty;

    [Id(1)]
    public byte[] Secret { get; set; } = [];
}
