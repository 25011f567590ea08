import type { HostKey } from "./host-key";

/**
 * A sandbox VM's serial console log as boot diagnostics keeps it: a few kernel and cloud-init lines, and, once the
 * VM has booted, cloud-init's host key block as its keys_to_console module prints it (write-ssh-key-fingerprints:
 * the fingerprints go through `logger -s -t ec2 -p user.info`, hence the "<14>date ec2: " prefix and the rows of
 * '#'; the keys are echoed as they are). That block is how an Azure user learns a new VM's host keys to pin.
 */

export interface SerialLogInput {
  computerName: string;
  /** The boot, with the host key cloud-init printed; undefined while the VM is still being created. */
  boot?: { at: Date; hostKey: HostKey };
}

const CLOUD_INIT = "Cloud-init v. 24.4.1-0ubuntu0~24.04.1";
const RULE = "#".repeat(61);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Jun  3 17:07:52", the timestamp logger writes. */
function syslogTime(at: Date): string {
  return `${MONTHS[at.getUTCMonth()]} ${String(at.getUTCDate()).padStart(2, " ")} ${at.toISOString().slice(11, 19)}`;
}

/** "Wed, 03 Jun 2020 17:07:52 +0000", the date cloud-init prints. */
function cloudInitTime(at: Date): string {
  return at.toUTCString().replace("GMT", "+0000");
}

function hostKeyBlock(computerName: string, hostKey: HostKey, at: Date): string[] {
  const logged = (line: string) => `<14>${syslogTime(at)} ec2:${line ? ` ${line}` : ""}`;
  // `ssh-keygen -l` of an ed25519 key (the only kind the sandbox makes): bits, fingerprint, comment, type.
  return [
    logged(""),
    logged(RULE),
    logged("-----BEGIN SSH HOST KEY FINGERPRINTS-----"),
    logged(`256 ${hostKey.fingerprint} root@${computerName} (ED25519)`),
    logged("-----END SSH HOST KEY FINGERPRINTS-----"),
    logged(RULE),
    "-----BEGIN SSH HOST KEY KEYS-----",
    `${hostKey.publicKey} root@${computerName}`,
    "-----END SSH HOST KEY KEYS-----",
  ];
}

export function serialConsoleLog(input: SerialLogInput): string {
  const lines = [
    "[    0.000000] Linux version 6.8.0-1021-azure (buildd@lcy02-amd64-102) #25-Ubuntu SMP (Ubuntu 6.8.0-1021.25-azure 6.8.12)",
    "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz-6.8.0-1021-azure root=LABEL=cloudimg-rootfs ro console=tty1 console=ttyS0 earlyprintk=ttyS0 panic=-1",
  ];
  const boot = input.boot;
  if (boot) {
    lines.push(
      `[    5.104211] cloud-init[612]: ${CLOUD_INIT} running 'init' at ${cloudInitTime(boot.at)}. Up 5.09 seconds.`,
      ...hostKeyBlock(input.computerName, boot.hostKey, boot.at),
      `[    9.812734] cloud-init[901]: ${CLOUD_INIT} finished at ${cloudInitTime(boot.at)}. Datasource DataSourceAzure [seed=/dev/sr0].  Up 9.80 seconds`,
      "",
      `Ubuntu 24.04.1 LTS ${input.computerName} ttyS0`,
      "",
      `${input.computerName} login: `,
    );
  }
  return `${lines.join("\n")}\n`;
}
