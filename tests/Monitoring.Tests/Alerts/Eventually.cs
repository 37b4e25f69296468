namespace Monitoring.Tests.Alerts;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> for up to thirty seconds.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            try
            {
                await Task.Delay(10, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
        }
    }
}
