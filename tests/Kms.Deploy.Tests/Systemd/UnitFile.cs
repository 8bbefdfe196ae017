namespace Kms.Deploy.Tests.Systemd;

/// <summary>The settings of a systemd unit file: every <c>Key=value</c> line in order (keys repeat).</summary>
internal sealed class UnitFile
{
    private UnitFile(IReadOnlyList<KeyValuePair<string, string>> settings) => Settings = settings;

    public IReadOnlyList<KeyValuePair<string, string>> Settings { get; }

    public static UnitFile Parse(string text) => new(text.Split('\n')
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && line[0] is not ('#' or ';' or '['))
        .Select(line => line.Split('=', 2))
        .Select(parts => KeyValuePair.Create(parts[0].Trim(), parts.Length > 1 ? parts[1].Trim() : ""))
        .ToList());

    public IEnumerable<string> All(string key) => Settings.Where(s => s.Key == key).Select(s => s.Value);

    public string? Single(string key) => All(key).SingleOrDefault();
}
