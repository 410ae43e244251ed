# Rendered into /etc/ssh/sshd_config by `ros console-init` (Port and ListenAddress from rancher.ssh).
# Keys only unless rancher.password= is on the kernel command line; no root login.
HostKey /etc/ssh/ssh_host_rsa_key
HostKey /etc/ssh/ssh_host_ecdsa_key
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
KbdInteractiveAuthentication no
UsePAM no
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
ClientAliveInterval 180
Subsystem sftp /usr/lib/openssh/sftp-server
