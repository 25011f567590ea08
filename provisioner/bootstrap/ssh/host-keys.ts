const PREFERRED = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa"];

/**
 * The host keys cloud-init printed to the serial console (keys_to_console: "-----BEGIN SSH HOST KEY KEYS-----"
 * … "-----END SSH HOST KEY KEYS-----", one "type base64 comment" line each), strongest type first. The console is
 * written by the VM's first boot, read through ARM: a key learnt there is the VM's own, not a network answer.
 */
export function hostKeysInSerialLog(log: string): string[] {
  const lines = log.split(/\r?\n/);
  // The last block wins: a VM redeployed from scratch prints new keys further down.
  let start = -1;
  lines.forEach((line, index) => {
    if (line.trim().endsWith("-----BEGIN SSH HOST KEY KEYS-----")) start = index;
  });
  if (start < 0) return [];
  const end = lines.findIndex((line, index) => index > start && line.trim().endsWith("-----END SSH HOST KEY KEYS-----"));
  if (end < 0) return [];
  const keys = lines
    .slice(start + 1, end)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length >= 2 && PREFERRED.includes(fields[0]) && /^[A-Za-z0-9+/]+={0,3}$/.test(fields[1]))
    .map((fields) => `${fields[0]} ${fields[1]}`);
  return keys.sort((a, b) => PREFERRED.indexOf(a.split(" ")[0]) - PREFERRED.indexOf(b.split(" ")[0]));
}
