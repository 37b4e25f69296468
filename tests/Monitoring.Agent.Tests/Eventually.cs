namespace Monitoring.Agent.Tests;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> for up to thirty seconds, running <paramref name="beforeEachTry"/> first each time.</summary>
    public static async Task TrueAsync(Func<bool> condition, string what, Action? beforeEachTry = null)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            beforeEachTry?.Invoke();
            if (condition())
            {
                return;
            }

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
