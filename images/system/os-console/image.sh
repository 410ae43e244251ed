# The login console: OpenSSH server and client tools, sudo (passwordless for the sudo group through pam_permit).
FILES=(
  usr/sbin/sshd usr/bin/ssh usr/bin/scp usr/bin/sftp usr/bin/ssh-keygen usr/bin/ssh-add usr/bin/ssh-agent
  usr/lib/openssh/sftp-server
  usr/bin/sudo usr/libexec/sudo/sudoers.so usr/libexec/sudo/libsudo_util.so.0 usr/libexec/sudo/sesh
  lib/x86_64-linux-gnu/security/pam_permit.so lib/x86_64-linux-gnu/security/pam_deny.so
  usr/share/ca-certificates
)
CONFIG='{"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/usr/bin/ros","console-init"],"Labels":{"io.rancher.os.console":"default"}}'
MODES=("0440 etc/sudoers" "4755 usr/bin/sudo")
