using CorralOS.Init.Modules;

namespace CorralOS.Init.Tests;

public class GlobTests
{
    [Theory]
    [InlineData("pci:v00001AF4d*sv*sd*bc*sc*i*", "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00", true)]
    [InlineData("pci:v00001AF4d*sv*sd*bc*sc*i*", "pci:v00008086d00001001sv00001AF4sd00000002bc01sc00i00", false)]
    [InlineData("virtio:d00000002v*", "virtio:d00000002v00001AF4", true)]
    [InlineData("virtio:d00000002v*", "virtio:d00000001v00001AF4", false)]
    [InlineData("usb:v*p*d*dc*dsc*dp*ic03isc01ip0[12]in*", "usb:v046Dp0001d0100dc00dsc00dp00ic03isc01ip01in00", true)]
    [InlineData("usb:v*p*d*dc*dsc*dp*ic03isc01ip0[12]in*", "usb:v046Dp0001d0100dc00dsc00dp00ic03isc01ip03in00", false)]
    [InlineData("acpi*:PNP0A0[38]:*", "acpi:PNP0A08:", true)]
    [InlineData("a[!x]c", "abc", true)]
    [InlineData("a[!x]c", "axc", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("fs-vfat", "fs-vfat", true)]
    [InlineData("*", "", true)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("a[b", "a[b", true)]
    public void Matches_like_fnmatch(string pattern, string text, bool expected) =>
        Assert.Equal(expected, Glob.Matches(pattern, text));
}
