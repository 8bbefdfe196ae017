using System.Globalization;

namespace Kms.Benchmarks.Release;

/// <summary>A command's arguments: positional numbers in order, <c>--name value</c> options and <c>--flag</c>s.</summary>
internal sealed class BenchArguments
{
    private static readonly HashSet<string> s_flags = new(StringComparer.Ordinal) { "--certificates", "--grains", "--breakdown", "--releases" };
    private static readonly HashSet<string> s_options = new(StringComparer.Ordinal)
    {
        "--url", "--data-dir", "--silo-root", "--warmup", "--identities", "--parallel", "--concurrency",
        "--state-dir", "--writes", "--kill", "--kill-at",
    };
    private readonly List<string> _positional = [];
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);

    public BenchArguments(IEnumerable<string> args)
    {
        using IEnumerator<string> next = args.GetEnumerator();
        while (next.MoveNext())
        {
            string arg = next.Current;
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                _positional.Add(arg);
            }
            else if (s_flags.Contains(arg))
            {
                _options[arg] = null;
            }
            else if (s_options.Contains(arg))
            {
                _options[arg] = next.MoveNext() ? next.Current : throw new ArgumentException($"{arg} needs a value.");
            }
            else
            {
                throw new ArgumentException($"Unknown option {arg}.");
            }
        }
    }

    public int Number(int position, int fallback)
        => position < _positional.Count ? int.Parse(_positional[position], CultureInfo.InvariantCulture) : fallback;

    public int Number(string option, int fallback)
        => Option(option) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    public string? Option(string name) => _options.TryGetValue(name, out string? value) ? value : null;

    public bool Flag(string name) => _options.ContainsKey(name);
}
