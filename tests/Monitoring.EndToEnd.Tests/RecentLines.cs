using System.Text;

namespace Monitoring.EndToEnd.Tests;

/// <summary>The last lines a process or resource wrote, kept for failure messages; safe to append from any thread.</summary>
internal sealed class RecentLines(string name, int capacity = 200)
{
    private readonly Queue<string> _lines = new();
    private int _dropped;

    public void Add(string line)
    {
        lock (_lines)
        {
            if (_lines.Count == capacity)
            {
                _lines.Dequeue();
                _dropped++;
            }

            _lines.Enqueue(line);
        }
    }

    public override string ToString()
    {
        lock (_lines)
        {
            var text = new StringBuilder().AppendLine($"----- {name} ({_lines.Count} lines{(_dropped > 0 ? $", {_dropped} earlier ones left out" : "")}) -----");
            foreach (var line in _lines)
            {
                text.AppendLine(line);
            }

            return text.ToString();
        }
    }
}
