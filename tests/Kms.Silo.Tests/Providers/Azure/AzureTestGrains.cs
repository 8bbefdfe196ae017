// Orleans.Runtime.PreferLocalPlacement (the strategy) hides the attribute's short name.
using PreferLocalPlacementAttribute = Orleans.Placement.PreferLocalPlacementAttribute;

namespace Kms.Silo.Tests.Providers.Azure;

/// <summary>Tells which silo hosts it; activated where it is first called, so a test decides its silo.</summary>
[Alias("kms-tests.ISiloLocatorGrain")]
public interface ISiloLocatorGrain : IGrainWithStringKey
{
    [Alias("GetHostingSilo")]
    Task<string> GetHostingSiloAsync();
}

[PreferLocalPlacementAttribute]
public sealed class SiloLocatorGrain(ILocalSiloDetails silo) : Grain, ISiloLocatorGrain
{
    public Task<string> GetHostingSiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}

/// <summary>Registers one reminder and counts how often it fires.</summary>
[Alias("kms-tests.IReminderCounterGrain")]
public interface IReminderCounterGrain : IGrainWithStringKey
{
    [Alias("Start")]
    Task StartAsync(TimeSpan dueTime, TimeSpan period);

    [Alias("Stop")]
    Task StopAsync();

    [Alias("GetFiredCount")]
    Task<int> GetFiredCountAsync();
}

public sealed class ReminderCounterGrain : Grain, IReminderCounterGrain, IRemindable
{
    public const string ReminderName = "count";

    private int _fired;

    public Task StartAsync(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task StopAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task<int> GetFiredCountAsync() => Task.FromResult(_fired);

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName == ReminderName)
        {
            _fired++;
        }

        return Task.CompletedTask;
    }
}

/// <summary>A state written straight through <see cref="Orleans.Storage.IGrainStorage"/> by the contract tests.</summary>
[GenerateSerializer]
[Alias("kms-tests.StorageProbeState")]
public sealed class StorageProbeState
{
    [Id(0)]
    public string Text { get; set; } = string.Empty;

    [Id(1)]
    public int Version { get; set; }
}
