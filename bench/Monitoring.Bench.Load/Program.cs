using Monitoring.Bench.Load;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

if (options.Io == IoModel.Async && Environment.GetEnvironmentVariable(InlineCompletions) is null)
{
    // Runs each socket continuation on its epoll thread (wrk's model) instead of hopping to the thread pool:
    // a third less generator CPU per request. Read once, when the first socket operation starts the engine.
    Environment.SetEnvironmentVariable(InlineCompletions, "1");
}

var report = new Report(options.Output);
var firstTimestamp = DateTime.UtcNow.AddHours(-12);
firstTimestamp = new DateTime(firstTimestamp.Ticks - (firstTimestamp.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

var targets = new List<Target>();
if (options.Baseline is not null)
{
    targets.Add(LoadOptions.ToTarget("baseline", options.Baseline, options.BaselineProcesses));
}

if (options.Ours is not null)
{
    targets.Add(LoadOptions.ToTarget("ours", options.Ours, options.OursProcesses));
}

if (options.Peer is not null)
{
    targets.Add(LoadOptions.ToTarget("peer", options.Peer, options.PeerProcesses));
}

var templates = targets.ToDictionary(
    t => t.Name,
    t => new SampleTemplate(t.Host, options.Agents, firstTimestamp, options.GetLatest ? SampleFormat.GetLatest : t.Name == "peer" ? SampleFormat.InfluxLine : SampleFormat.Json));
foreach (var template in templates.Values)
{
    foreach (var sequence in (long[])[0, options.Agents * 7L + options.Agents - 1])
    {
        switch (template.Format)
        {
            case SampleFormat.Json:
                template.Verify(sequence);
                break;
            case SampleFormat.InfluxLine:
                template.VerifyLine(sequence);
                break;
        }
    }
}

var anyTemplate = templates.Values.First();
report.Line($"ingest benchmark  {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss}Z  {Environment.ProcessorCount} cores  .NET {Environment.Version}");
report.Line($"  generator: {options.Io} I/O{(options.Io == IoModel.Async ? $", {InlineCompletions}={Environment.GetEnvironmentVariable(InlineCompletions)}" : "")}");
report.Line($"  agents {options.Agents}, connections {options.Connections}, warm-up {options.Warmup.TotalSeconds:0.#} s, measured {options.Duration.TotalSeconds:0.#} s per target, rounds {options.Rounds}");
report.Line($"  body {anyTemplate.BodyLength} B, request {anyTemplate.RequestLength} B, sample timestamps from {firstTimestamp:O} (one second apart per agent)");
foreach (var target in targets)
{
    report.Line($"  {target.Name,-8} http://{target.Host}  processes: {(target.Processes.Count == 0 ? "(not given)" : string.Join(", ", target.Processes.Select(p => $"{p.Name}={p.Pid}")))}");
}

long? rowsBefore = null;
if (options.Database is not null)
{
    rowsBefore = await HistoryCount.CountAsync(options.Database) ?? 0;
    report.Line($"  history rows before: {rowsBefore}");
}

report.Line("");
report.Line(Report.Header);

var results = new List<RunResult>();
for (var round = 1; round <= options.Rounds; round++)
{
    // Alternating the order cancels the advantage of running first (cooler caches, smaller heaps, fresher disk).
    var order = round % 2 == 1 ? targets : Enumerable.Reverse(targets).ToList();
    foreach (var target in order)
    {
        var result = await LoadRun.RunAsync(target, templates[target.Name], options, round);
        results.Add(result);
        report.Line(Report.Row(result));
    }
}

report.Line("");
foreach (var result in results)
{
    report.Line(Report.Details(result));
}

report.Line("");
foreach (var result in results)
{
    report.Line(Report.Timeline(result));
}

var exitCode = 0;
foreach (var measured in (string[])["ours", "peer"])
{
    var ratios = results.GroupBy(r => r.Round)
        .Select(g => (Measured: g.FirstOrDefault(r => r.Target == measured), Baseline: g.FirstOrDefault(r => r.Target == "baseline")))
        .Where(p => p.Measured is not null && p.Baseline is not null)
        .Select(p => p.Measured!.AcceptedPerSecond / p.Baseline!.AcceptedPerSecond)
        .ToArray();
    if (ratios.Length > 0)
    {
        report.Line("");
        var sorted = ratios.Order().ToArray();
        report.Line($"ratio {measured}/baseline (accepted samples/s): {string.Join("  ", ratios.Select(r => r.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}"
            + (ratios.Length > 1 ? $"   median {Median(sorted):0.000}" : ""));
    }
}

var ours = results.Where(r => r.Target == "ours").ToArray();
if (options.Database is not null && ours.Length > 0)
{
    var accepted = ours.Sum(r => r.Whole.Accepted);
    var ambiguous = ours.Sum(r => r.Whole.Ambiguous);
    var rowsAfter = await HistoryCount.CountAsync(options.Database);
    report.Line("");
    if (rowsAfter is null)
    {
        report.Line($"history check: FAILED - no history tables in {options.Database}");
        exitCode = 1;
    }
    else
    {
        var stored = rowsAfter.Value - rowsBefore!.Value;
        var verdict = (stored - accepted) switch
        {
            0 when ambiguous == 0 => "OK - every 2xx sample stored exactly once",
            0 => $"OK for every 2xx, but {ambiguous} requests broke without an answer and none of them was stored",
            var extra when extra > 0 && extra <= ambiguous => $"OK - {extra} of {ambiguous} requests that broke without an answer were stored anyway",
            var extra when extra > 0 => $"FAILED - {extra - ambiguous} more rows than 2xx answers (duplicates or samples stored after an error answer)",
            var missing => $"FAILED - {-missing} samples answered 2xx are missing (lost)",
        };
        var sizes = new[] { "", "-wal" }.Select(suffix => new FileInfo(options.Database + suffix))
            .Select(f => f.Exists ? $"{f.Name} {f.Length / 1048576.0:0.0} MiB" : $"{f.Name} absent");
        report.Line($"database files after the run: {string.Join(", ", sizes)} ({(rowsAfter > 0 ? new FileInfo(options.Database).Length / (double)rowsAfter.Value : 0):0} B per row in the main file)");
        report.Line($"history check: rows stored {stored} (head rows + block samples: {rowsBefore} -> {rowsAfter}), 2xx answers from ours {accepted} (incl. warm-up), unanswered {ambiguous}: {verdict}");
        if (verdict.StartsWith("FAILED", StringComparison.Ordinal))
        {
            exitCode = 1;
        }

        var oursTarget = targets.Single(t => t.Name == "ours");
        var cleanRun = ours.All(r => r.Whole.Errors == 0);
        if (options.Reposts > 0 && cleanRun)
        {
            // Every sample numbered below the count was answered 2xx (the run had no errors), so each is stored already.
            var reposts = (int)Math.Min(options.Reposts, Volatile.Read(ref oursTarget.NextSequence));
            var answers = await Repost.SendAsync(oursTarget, templates["ours"], reposts);
            var rowsAfterReposts = await HistoryCount.CountAsync(options.Database) ?? 0;
            var added = rowsAfterReposts - rowsAfter.Value;
            var idempotent = added == 0 && answers.Accepted == reposts;
            report.Line($"idempotency check: re-posted {reposts} stored samples: {answers.Accepted} answered 2xx, {answers.Errors} errors, rows +{added}: "
                + (idempotent ? "OK - each stored once" : "FAILED"));
            if (!idempotent)
            {
                exitCode = 1;
            }
        }
    }
}

await report.FlushAsync();
return exitCode;

static double Median(double[] sorted) =>
    sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

public partial class Program
{
    private const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
}
