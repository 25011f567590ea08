import { randomUUID } from "node:crypto";
import type { RunningSandbox } from "../../sandbox/sandbox";

/** Splits a shell command line into words, honouring single and double quotes. */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

function flags(command: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  let current: string | undefined;
  for (const word of words(command)) {
    if (word.startsWith("--")) {
      current = word.slice(2);
      result[current] = [];
    } else if (current) {
      result[current].push(word);
    }
  }
  return result;
}

const ROLES: Record<string, string> = { "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7", Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7" };

/**
 * Applies the `az` commands a finding's fix names, translated to the ARM PUTs az would send, through the sandbox:
 * role assignment create, network nsg rule create, vnet peering create. Throws on a command it does not know, so a
 * test never passes on a fix it did not apply.
 */
export function applyAzFix(sandbox: RunningSandbox, fix: string): void {
  for (const command of fix
    .split("&&")
    .map((c) => c.replace(/#.*$/, "").trim())
    .filter(Boolean)) {
    const f = flags(command);
    const one = (name: string) => (f[name] ?? [])[0];
    const rg = () => `/subscriptions/${one("subscription")}/resourceGroups/${one("resource-group")}`;
    if (command.startsWith("az role assignment create")) {
      const role = ROLES[one("role")];
      if (!role) throw new Error(`unknown role in fix: ${command}`);
      sandbox.armClient.put(`${one("scope")}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`, "2022-04-01", {
        properties: {
          roleDefinitionId: `/subscriptions/${one("scope").split("/")[2]}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId: one("assignee-object-id"),
          principalType: one("assignee-principal-type"),
        },
      });
    } else if (command.startsWith("az network nsg rule create")) {
      sandbox.armClient.put(`${rg()}/providers/Microsoft.Network/networkSecurityGroups/${one("nsg-name")}/securityRules/${one("name")}`, "2024-07-01", {
        properties: {
          priority: Number(one("priority")),
          direction: one("direction"),
          access: one("access"),
          protocol: one("protocol"),
          sourcePortRange: one("source-port-ranges"),
          destinationPortRange: one("destination-port-ranges"),
          sourceAddressPrefix: one("source-address-prefixes"),
          destinationAddressPrefix: one("destination-address-prefixes"),
        },
      });
    } else if (command.startsWith("az network vnet peering create")) {
      sandbox.armClient.put(`${rg()}/providers/Microsoft.Network/virtualNetworks/${one("vnet-name")}/virtualNetworkPeerings/${one("name")}`, "2024-07-01", {
        properties: { remoteVirtualNetwork: { id: one("remote-vnet") }, allowVirtualNetworkAccess: one("allow-vnet-access") === "true" },
      });
    } else if (command.startsWith("az network vnet subnet delete")) {
      sandbox.armClient.delete(one("ids"), "2024-07-01");
    } else if (command.startsWith("az network vnet update")) {
      const vnet = sandbox.armClient.get(one("ids"), "2024-07-01") as { location: string; properties: Record<string, unknown> };
      sandbox.armClient.put(one("ids"), "2024-07-01", {
        location: vnet.location,
        properties: { ...vnet.properties, addressSpace: { addressPrefixes: f["address-prefixes"] } },
      });
    } else {
      throw new Error(`the test cannot apply: ${command}`);
    }
  }
}
