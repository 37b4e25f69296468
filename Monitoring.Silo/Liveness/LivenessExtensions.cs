namespace Monitoring.Silo.Liveness;

public static class LivenessExtensions
{
    /// <summary>Liveness: the down threshold, and the start-up sweep that watches every known agent.</summary>
    public static ISiloBuilder AddLiveness(this ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddValidatedOptions<LivenessOptions>(configuration.GetSection(LivenessOptions.SectionName));
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, LivenessSweeper>();
        return silo;
    }
}
