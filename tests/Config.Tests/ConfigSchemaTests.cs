using CorralOS.Config.Model;

namespace CorralOS.Config.Tests;

public class ConfigSchemaTests
{
    private static List<string> Problems(string yaml) =>
        ConfigSchema.Validate(YamlDocument.Parse(yaml, "user.yml")).Select(p => p.ToString()).ToList();

    [Fact]
    public void Five_different_mistakes_are_all_reported_with_line_column_and_key()
    {
        const string yaml = """
            #cloud-config
            hostname: box
            ssh_authorized_keys: ssh-ed25519 AAAA
            rancher:
              debug: maybe
              shutdown_timeout: soon
              network:
                dns:
                  nameservers: [8.8.8.8]
                interfaces:
                  eth0: {dhcp: true, mtu: [1500]}
              no_such_key: 1
            runcmd:
              - echo ok
            packages: [vim]
            """;

        Assert.Equal(
        [
            "user.yml:3:22: ssh_authorized_keys: expected a list of strings, got string \"ssh-ed25519 AAAA\"",
            "user.yml:5:10: rancher.debug: expected a boolean, got string \"maybe\"",
            "user.yml:6:21: rancher.shutdown_timeout: expected an integer, got string \"soon\"",
            "user.yml:11:31: rancher.network.interfaces.eth0.mtu: expected an integer, got a list",
            "user.yml:12:3: rancher.no_such_key: unknown key",
            "user.yml:15:1: packages: unknown key",
        ], Problems(yaml));
    }

    [Fact]
    public void A_valid_config_has_no_problems()
    {
        Assert.Empty(Problems("""
            ssh_authorized_keys: [a]
            write_files:
              - {path: /etc/x, content: hi, permissions: "0644", owner: root}
            mounts: [[/dev/vdb, /mnt, ext4, ""]]
            runcmd: [echo hi, [ls, -l], []]
            users:
              - {name: ann, groups: [wheel], sudo: "ALL=(ALL) NOPASSWD:ALL", shell: /bin/sh, lock_passwd: true, ssh_authorized_keys: [k]}
            rancher:
              services_include: {zfs: true}
              services: {web: {image: nginx, labels: {a: b}}}
              sysctl: {fs.file-max: 100}
              network: {interfaces: {"mac=aa:*": {dhcp: true}}}
            EXTRA_CMDLINE: rancher.debug
            """));
    }

    [Fact]
    public void Syntax_errors_give_their_position()
    {
        var problem = Assert.Single(Problems("rancher:\n  debug: [true\n"));
        Assert.StartsWith("user.yml:3:1: not valid YAML: ", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_top_must_be_a_map_and_crlf_is_refused()
    {
        Assert.Equal(["user.yml:1:1: expected a map of keys at the top"], Problems("- a\n"));
        Assert.Equal(["user.yml:1:1: carriage returns (CRLF line ends) are not allowed"], Problems("hostname: a\r\n"));
    }

    [Fact]
    public void A_map_of_booleans_cannot_hold_null_or_text()
    {
        Assert.Equal(
            ["user.yml:1:33: rancher.services_include.a: expected a boolean, got null", "user.yml:1:38: rancher.services_include.b: expected a boolean, got string \"x\""],
            Problems("rancher: {services_include: {a: , b: x}}"));
    }

    [Fact]
    public void Trees_without_text_are_reported_without_a_position()
    {
        var tree = KernelCmdline.Parse("rancher.debug=sometimes cc.hostname=h");
        var problem = Assert.Single(ConfigSchema.Validate(YamlDocument.FromTree(tree, "/proc/cmdline")));
        Assert.Equal("/proc/cmdline: rancher.debug: expected a boolean, got string \"sometimes\"", problem.ToString());
    }

    // The reference's §3.2 table and §3.1: every key must be known to the model (and so to the validator).
    [Theory]
    [InlineData("console,environment,services,services_include,bootstrap,cloud_init_services,bootstrap_docker,system_docker,docker,cloud_init,debug,log,rm_usr,no_sharedroot,force_console_rebuild,recovery,disable,modules,network,repositories,ssh,state,upgrade,registry_auths,defaults,resize_device,sysctl,restart_services,hypervisor_service,shutdown_timeout,http_load_retries,preload_wait,password,autologin,autoformat,default_network", typeof(RancherConfig))]
    [InlineData("ssh_authorized_keys,write_files,hostname,mounts,runcmd,bootcmd,users,rancher,EXTRA_CMDLINE", typeof(CloudConfig))]
    [InlineData("name,groups,ssh_authorized_keys,sudo,shell,lock_passwd", typeof(UserConfig))]
    [InlineData("dev,directory,wait,required,autoformat,mdadm_scan,lvm_scan,cryptsetup,script,fstype,oem_fstype,oem_dev,boot_fstype,boot_dev,rngd", typeof(StateConfig))]
    [InlineData("dns,interfaces,http_proxy,https_proxy,no_proxy,dhcp_timeout,pre_cmds,post_cmds,wifi_networks,modem_networks", typeof(NetworkConfig))]
    [InlineData("match,dhcp,dhcp_args,address,addresses,ipv4ll,gateway,gateway_ipv6,mtu,bridge,bond,bond_opts,vlans,pre_up,post_up,wifi_network", typeof(InterfaceConfig))]
    [InlineData("bridge,bip,config_file,containerd,debug,exec_root,group,graph,host,insecure_registry,live_restore,log_driver,log_opts,pid_file,registry_mirror,restart,selinux_enabled,storage_driver,userland_proxy,engine,tls,tls_args,extra_args,server_cert,server_key,ca_cert,ca_key,environment,storage_context,exec", typeof(DockerConfig))]
    public void Every_reference_key_is_in_the_model(string keys, Type type)
    {
        var fields = ConfigSchema.Fields(type);
        Assert.All(keys.Split(','), key => Assert.True(fields.ContainsKey(key), $"{type.Name} lacks {key}"));
    }
}
