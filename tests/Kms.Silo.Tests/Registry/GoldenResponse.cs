using System.Text;
using System.Text.RegularExpressions;

namespace Kms.Silo.Tests.Registry;

/// <summary>
/// Compares a response with a golden file of Registry/Golden (written from the spec text, see its README): status,
/// the listed headers, and the body against the file's template with placeholders.
/// </summary>
internal static class GoldenResponse
{
    public static async Task<string> AssertMatchesAsync(HttpResponseMessage response, string name)
    {
        string[] lines = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Registry", "Golden", name + ".golden"));
        string body = await response.Content.ReadAsStringAsync();
        foreach (string line in lines)
        {
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            string key = line[..colon];
            string value = line[(colon + 2)..];
            switch (key)
            {
                case "status":
                    Assert.True(int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) == (int)response.StatusCode, $"{name}: status {(int)response.StatusCode}, body {body}");
                    break;
                case "body":
                    Assert.Matches(Template(value), body);
                    break;
                case "content-type":
                    Assert.Equal(value, response.Content.Headers.ContentType?.ToString());
                    break;
                default:
                    Assert.Equal(value, string.Join(",", response.Headers.TryGetValues(key, out IEnumerable<string>? v) ? v : response.Content.Headers.GetValues(key)));
                    break;
            }
        }

        return body;
    }

    private static Regex Template(string template)
    {
        var pattern = new StringBuilder("^");
        foreach (string part in Regex.Split(template, @"(\{base64\}|\{bytes20\}|\{text\}|\\n)"))
        {
            pattern.Append(part switch
            {
                "{base64}" => "(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?",
                "{bytes20}" => @"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d),){19}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)",
                "{text}" => "[^\\n]*",
                "\\n" => "\\n",
                _ => Regex.Escape(part),
            });
        }

        return new Regex(pattern.Append("\\z").ToString(), RegexOptions.CultureInvariant);
    }
}
