using Microsoft.Extensions.DependencyInjection;
using Monitoring.Abstractions;
using Monitoring.Contracts;
using Orleans.Serialization;
using Orleans.Serialization.Cloning;

namespace Monitoring.Tests.Serialization;

/// <summary>A grain call inside one process hands the immutable wire records over instead of copying them.</summary>
public sealed class ContractCopierTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection()
        .AddSerializer(serializer => serializer.AddAssembly(typeof(MetricsReportCopier).Assembly).AddMonitoringContracts())
        .BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public void A_sample_and_a_latest_answer_are_passed_without_a_copy()
    {
        var sample = Samples.Detailed("copier", Samples.RecentTime());
        var latest = new LatestMetrics
        {
            AgentId = "copier",
            AgentName = "copier",
            Timestamp = sample.Timestamp!.Value,
            CpuPercent = 1,
            MemoryPercent = 2,
            DiskPercent = 3,
            System = sample.System!,
            Network = sample.Network!,
            Agent = sample.Agent,
        };
        var copier = _services.GetRequiredService<DeepCopier>();

        Assert.Same(sample, copier.Copy(sample));
        Assert.Same(latest, copier.Copy(latest));
        Assert.True(_services.GetRequiredService<IDeepCopier<MetricsReport>>() is IOptionalDeepCopier { } optional && optional.IsShallowCopyable());
    }
}
