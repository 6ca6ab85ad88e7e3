namespace Integrations.Tests.Integration.Infrastructure;

/// <summary>Reads a node's log file as a user would, waiting for the buffered writer to flush.</summary>
public static class LogLines
{
    public static async Task<string> WaitForAsync(string file, Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            if (File.Exists(file))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync() is { } line)
                    if (match(line)) return line;
            }
            if (DateTime.UtcNow > deadline) throw new Xunit.Sdk.XunitException($"no matching line in {file} within the timeout");
            await Task.Delay(100);
        }
    }

    /// <summary>Every line written so far.</summary>
    public static List<string> All(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }
}
