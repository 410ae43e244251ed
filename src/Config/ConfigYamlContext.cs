using CorralOS.Config.Model;
using YamlDotNet.Serialization;

namespace CorralOS.Config;

/// <summary>
/// The config types for YamlDotNet's source generator: the AOT-safe deserializer and the type inspector the
/// validator walks (so the C# types are the schema).
/// </summary>
[YamlStaticContext]
[YamlSerializable(typeof(CloudConfig))]
[YamlSerializable(typeof(WriteFile))]
[YamlSerializable(typeof(UserConfig))]
[YamlSerializable(typeof(RancherConfig))]
[YamlSerializable(typeof(DockerConfig))]
[YamlSerializable(typeof(CloudInitConfig))]
[YamlSerializable(typeof(RepositoryConfig))]
[YamlSerializable(typeof(RegistryAuthConfig))]
[YamlSerializable(typeof(SshConfig))]
[YamlSerializable(typeof(StateConfig))]
[YamlSerializable(typeof(UpgradeConfig))]
[YamlSerializable(typeof(DefaultsConfig))]
[YamlSerializable(typeof(NetworkConfig))]
[YamlSerializable(typeof(DnsConfig))]
[YamlSerializable(typeof(InterfaceConfig))]
[YamlSerializable(typeof(WifiNetworkConfig))]
[YamlSerializable(typeof(ModemNetworkConfig))]
[YamlSerializable(typeof(NtpConfig))]
public partial class ConfigYamlContext : StaticContext
{
}
