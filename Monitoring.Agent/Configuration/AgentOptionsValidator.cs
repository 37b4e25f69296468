using Microsoft.Extensions.Options;

namespace Monitoring.Agent.Configuration;

[OptionsValidator]
public sealed partial class AgentOptionsValidator : IValidateOptions<AgentOptions>;
