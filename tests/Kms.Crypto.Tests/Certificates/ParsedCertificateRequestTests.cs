using System.Reflection;
using Kms.Crypto.Certificates;

namespace Kms.Crypto.Tests.Certificates;

public sealed class ParsedCertificateRequestTests
{
    [Fact]
    public void OnlyTheParserCanCreateOne()
    {
        // Code outside Kms.Crypto could otherwise build a "verified" request around any public key, or copy a parsed
        // one with another key (`request with { SubjectPublicKeyInfo = ... }`), and have the CA certify that key.
        Assert.Empty(typeof(ParsedCertificateRequest).GetConstructors(BindingFlags.Public | BindingFlags.Instance));
    }

    [Fact]
    public void NoPropertyCanBeSetFromOutside()
    {
        PropertyInfo[] settable = typeof(ParsedCertificateRequest)
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } or { IsFamily: true } or { IsFamilyOrAssembly: true })
            .ToArray();

        Assert.Empty(settable.Select(p => p.Name));
    }
}
