using CorralOS.Engine.Images;

namespace CorralOS.Engine.Tests;

public sealed class ImageReferenceTests
{
    [Theory]
    [InlineData("busybox", "docker.io/library/busybox", null, "busybox")]
    [InlineData("busybox:1.36", "docker.io/library/busybox", "1.36", "busybox:1.36")]
    [InlineData("library/busybox:latest", "docker.io/library/busybox", "latest", "busybox:latest")]
    [InlineData("docker.io/library/busybox:latest", "docker.io/library/busybox", "latest", "busybox:latest")]
    [InlineData("index.docker.io/user/app", "docker.io/user/app", null, "user/app")]
    [InlineData("user/app:v1", "docker.io/user/app", "v1", "user/app:v1")]
    [InlineData("localhost/app", "localhost/app", null, "localhost/app")]
    [InlineData("registry.example:5000/team/app:1.0", "registry.example:5000/team/app", "1.0", "registry.example:5000/team/app:1.0")]
    [InlineData("localhost:5000/app", "localhost:5000/app", null, "localhost:5000/app")]
    public void Names_are_normalised_as_docker_does(string input, string name, string? tag, string familiar)
    {
        var reference = ImageReference.Parse(input);
        Assert.Equal(name, reference.Name);
        Assert.Equal(tag, reference.Tag);
        Assert.Equal(familiar, reference.Familiar);
    }

    [Fact]
    public void A_digest_reference_keeps_its_digest()
    {
        var digest = "sha256:" + new string('a', 64);
        var reference = ImageReference.Parse("busybox@" + digest);
        Assert.Equal(digest, reference.Digest.ToString());
        Assert.Null(reference.Tag);
        Assert.Equal("busybox@" + digest, reference.Familiar);
        Assert.Equal(reference, reference.WithDefaultTag());
    }

    [Fact]
    public void Latest_is_implied_only_without_tag_or_digest() =>
        Assert.Equal("docker.io/library/alpine:latest", ImageReference.Parse("alpine").WithDefaultTag().ToString());

    [Theory]
    [InlineData("")]
    [InlineData("Busybox")]
    [InlineData("busybox:")]
    [InlineData("busybox:-bad")]
    [InlineData("bad//name")]
    [InlineData("name@sha256:abc")]
    [InlineData("a:b:c")]
    [InlineData("-leading")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void Invalid_references_are_refused(string input) =>
        Assert.Throws<InvalidArgumentException>(() => ImageReference.Parse(input));
}
