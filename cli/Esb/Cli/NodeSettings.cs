using System.Globalization;
using Integrations.Bus.Logging;
using Integrations.Runtime;
using Microsoft.Extensions.Configuration;

namespace Integrations.Esb.Cli;

/// <summary>
/// Where <c>esb serve</c>'s settings come from, the last one given winning: the <c>Esb</c> section of
/// <c>appsettings.json</c> (in the working directory, or the file <c>ESB_CONFIG</c> names), then <c>ESB_*</c>
/// environment variables, then the command line's options. Each setting has one name per layer — <c>ChannelsUrl</c>
/// in the file, <c>ESB_CHANNELS_URL</c>, <c>--channels-url</c>. A file that is not JSON, a setting it does not know and
/// a value of the wrong type are errors that name the file and the setting.
/// The file's <c>Serilog</c> section, and <c>ESB_SERILOG__…</c> variables over it (<c>ESB_SERILOG__WRITETO__0__NAME=Seq</c>:
/// the path's parts joined by two underscores, as .NET names configuration keys in the environment), is handed to the
/// node's logger as it is; what Serilog would pass over (a sink it does not have, a level that is none) is an error
/// naming the setting too.
/// </summary>
internal sealed class NodeSettings
{
    private const string Section = "Esb";
    private readonly IConfiguration _file;
    private readonly List<string> _errors = [];

    private NodeSettings(IConfiguration file, string? path)
    {
        _file = file;
        Path = path;
        // The environment's ESB_SERILOG__… over the file's Serilog section.
        var serilog = new ConfigurationBuilder().AddConfiguration(file).AddEnvironmentVariables(Prefix).Build().GetSection(SerilogSettings.Section);
        if (!serilog.GetChildren().Any()) return;
        Serilog = serilog;
        foreach (var (key, problem) in SerilogSettings.Check(serilog)) _errors.Add($"{SerilogWhere(key)}: {problem}");
    }

    private const string Prefix = "ESB_";

    /// <summary>The Serilog section, from the file and the environment; null when neither has one.</summary>
    public IConfigurationSection? Serilog { get; }

    /// <summary>The level the Serilog section asks for, the lowest layer of the node's level.</summary>
    public Serilog.Events.LogEventLevel? SerilogLevel => Serilog is { } section ? SerilogSettings.DefaultLevel(section) : null;

    /// <summary>The settings file read, when there was one.</summary>
    public string? Path { get; }

    /// <summary>What was wrong with the file or a value, in the user's words.</summary>
    public IReadOnlyList<string> Errors => _errors;

    /// <summary>Every setting the file's <c>Esb</c> section may have.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        "RabbitMq", "Postgres", "Schema", "Roles", "ChannelsUrl", "AdminUrl", "ChannelsCertificate", "AdminCertificate", "NodeName", "Timeout", "LogDir", "LogLevel",
        "LogFormat", "Quiet", "PickupDir", "DataDir", "Import", "QueueType", "SchedulerTakeover", "FailedRetention", "TraceHops", "Demo",
    ];

    /// <summary>The settings that are objects (a port's certificate), with the variable its password comes from.</summary>
    private static readonly (string Key, string PasswordVariable)[] Certificates =
        [("ChannelsCertificate", "ESB_CHANNELS_CERTIFICATE_PASSWORD"), ("AdminCertificate", "ESB_ADMIN_CERTIFICATE_PASSWORD")];

    private static readonly string[] CertificateKeys = ["Path", "KeyPath"];

    // Esb:ChannelsCertificate is {"Path": …, "KeyPath": …}; its password is a secret, from the environment only.
    private void CheckCertificate(IConfigurationSection section, string passwordVariable)
    {
        if (section.Value is { Length: > 0 })
            _errors.Add($"{Path}: {section.Path}: expected an object with Path (and KeyPath for a PEM key), got '{section.Value}'");
        foreach (var key in section.GetChildren().Select(c => c.Key))
            if (key.Equals("Password", StringComparison.OrdinalIgnoreCase))
                _errors.Add($"{Path}: {section.Path}:{key} is not a setting: the password comes from {passwordVariable} only, never from a file");
            else if (!CertificateKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
                _errors.Add($"{Path}: {section.Path}:{key} is not a setting{Suggestions.DidYouMean(key, CertificateKeys)}");
    }

    /// <summary>Reads the settings file, if there is one.</summary>
    public static NodeSettings Load()
    {
        var named = Env.Get("ESB_CONFIG");
        var path = System.IO.Path.GetFullPath(named ?? "appsettings.json");
        if (!File.Exists(path))
        {
            var none = new NodeSettings(new ConfigurationBuilder().Build(), null);
            if (named is not null) none._errors.Add($"ESB_CONFIG names {path}, which does not exist");
            return none;
        }
        try
        {
            var file = new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
            var settings = new NodeSettings(file, path);
            foreach (var key in file.GetSection(Section).GetChildren().Select(c => c.Key))
                if (!Known.Contains(key, StringComparer.OrdinalIgnoreCase))
                    settings._errors.Add($"{path}: {Section}:{key} is not a setting{Suggestions.DidYouMean(key, Known)}");
            foreach (var (key, variable) in Certificates) settings.CheckCertificate(file.GetSection($"{Section}:{key}"), variable);
            return settings;
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or System.Text.Json.JsonException)
        {
            var settings = new NodeSettings(new ConfigurationBuilder().Build(), path);
            settings._errors.Add($"{path} is not valid JSON: {(e.InnerException ?? e).Message}");
            return settings;
        }
    }

    /// <summary>The setting from the environment variable, else the file, else <paramref name="fallback"/>.</summary>
    public string Text(string variable, string key, string fallback) => Text(variable, key) ?? fallback;

    /// <summary>The setting from the environment variable, else the file; null when neither has it.</summary>
    public string? Text(string variable, string key) =>
        Env.Get(variable) ?? (_file[$"{Section}:{key}"] is { Length: > 0 } value ? value : null);

    /// <summary>A number of seconds (or any number).</summary>
    public double Number(string variable, string key, double fallback)
    {
        if (Text(variable, key) is not { } text) return fallback;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return value;
        _errors.Add($"{Where(variable, key)}: expected a number, got '{text}'");
        return fallback;
    }

    /// <summary>true or false (also 1 or 0).</summary>
    public bool Flag(string variable, string key)
    {
        if (Text(variable, key) is not { } text) return false;
        if (text is "1" || text.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (text is "0" || text.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        _errors.Add($"{Where(variable, key)}: expected true or false, got '{text}'");
        return false;
    }

    /// <summary>One of an enumeration's names.</summary>
    public T Choice<T>(string variable, string key, T fallback) where T : struct, Enum
    {
        if (Text(variable, key) is not { } text) return fallback;
        if (Enum.TryParse<T>(text, ignoreCase: true, out var value) && Enum.IsDefined(value)) return value;
        _errors.Add($"{Where(variable, key)}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}");
        return fallback;
    }

    // The variable that set a key of the Serilog section, else the file.
    private string SerilogWhere(string key)
    {
        var variable = Prefix + key.Replace(":", "__", StringComparison.Ordinal);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.OfType<string>())
            if (name.Equals(variable, StringComparison.OrdinalIgnoreCase)) return name;
        return _file.GetSection(key).Exists() && Path is not null ? $"{Path}: {key}" : variable.ToUpperInvariant();
    }

    private string Where(string variable, string key) => Env.Get(variable) is not null ? variable : $"{Path}: {Section}:{key}";
}
