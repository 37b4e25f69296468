namespace Monitoring.Bench.Load;

/// <summary>Sends samples that were already accepted once more, one at a time, to prove ingest is idempotent.</summary>
public static class Repost
{
    public static async Task<Tally> SendAsync(Target target, SampleTemplate template, int count)
    {
        var tally = new Tally();
        using var connection = new HttpConnection(target.Endpoint);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var request = template.NewRequestBuffer();
        for (var sequence = 0L; sequence < count; sequence++)
        {
            template.Write(request, sequence);
            tally.Add(await connection.SendAsync(request, timeout.Token));
        }

        return tally;
    }
}
