import assert from "node:assert/strict";
import type { InProcessArmClient } from "../../sandbox/scenarios/in-process-client";

const NET = "2024-07-01";

/** The arguments of an `az` command line: `--flag v1 v2` → { flag: [v1, v2] }, single quotes removed. */
export function azArguments(command: string): Map<string, string[]> {
  const words = (command.match(/'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^'(.*)'$/, "$1"));
  const args = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const word of words) {
    if (word.startsWith("--")) args.set(word.slice(2), (current = []));
    else current?.push(word);
  }
  return args;
}

function one(args: Map<string, string[]>, name: string, command: string): string {
  const values = args.get(name);
  assert.ok(values && values.length === 1, `--${name} should have one value in: ${command}`);
  return values[0];
}

/** What `az network nsg rule create` would PUT: the rule's ARM ID and body. */
export function nsgRuleFromFix(fix: string): { id: string; body: { properties: Record<string, unknown> } } {
  assert.match(fix, /^az network nsg rule create /);
  const args = azArguments(fix);
  const many = (name: string, single: string, plural: string): Record<string, unknown> => {
    const values = args.get(name) ?? ["*"];
    return values.length === 1 ? { [single]: values[0] } : { [plural]: values };
  };
  const id = `/subscriptions/${one(args, "subscription", fix)}/resourceGroups/${one(args, "resource-group", fix)}/providers/Microsoft.Network/networkSecurityGroups/${one(args, "nsg-name", fix)}/securityRules/${one(args, "name", fix)}`;
  return {
    id,
    body: {
      properties: {
        priority: Number(one(args, "priority", fix)),
        direction: one(args, "direction", fix),
        access: one(args, "access", fix),
        protocol: one(args, "protocol", fix),
        ...many("source-address-prefixes", "sourceAddressPrefix", "sourceAddressPrefixes"),
        ...many("destination-address-prefixes", "destinationAddressPrefix", "destinationAddressPrefixes"),
        ...many("source-port-ranges", "sourcePortRange", "sourcePortRanges"),
        ...many("destination-port-ranges", "destinationPortRange", "destinationPortRanges"),
      },
    },
  };
}

/**
 * Runs a printed fix (`az …` commands joined by ` && `) against the sandbox the way az would: GET then PUT for
 * updates, PUT for creates, DELETE for deletes. Throws with ARM's error (code and message) when Azure would refuse.
 * Knows the commands the readiness engine prints for NSG rules and peerings.
 */
export function applyAzFix(arm: InProcessArmClient, fix: string): void {
  for (const command of fix.split(" && ")) {
    const args = azArguments(command);
    const arg = (name: string) => one(args, name, command);
    if (command.startsWith("az network nsg rule create ")) {
      const { id, body } = nsgRuleFromFix(command);
      arm.put(id, NET, body);
    } else if (command.startsWith("az network nsg rule update ")) {
      const id = `/subscriptions/${arg("subscription")}/resourceGroups/${arg("resource-group")}/providers/Microsoft.Network/networkSecurityGroups/${arg("nsg-name")}/securityRules/${arg("name")}`;
      const rule = arm.get(id, NET) as { properties: Record<string, unknown> };
      arm.put(id, NET, { properties: { ...rule.properties, priority: Number(arg("priority")) } });
    } else if (command.startsWith("az network vnet peering create ")) {
      const id = `/subscriptions/${arg("subscription")}/resourceGroups/${arg("resource-group")}/providers/Microsoft.Network/virtualNetworks/${arg("vnet-name")}/virtualNetworkPeerings/${arg("name")}`;
      arm.put(id, NET, { properties: { remoteVirtualNetwork: { id: arg("remote-vnet") }, allowVirtualNetworkAccess: arg("allow-vnet-access") === "true" } });
    } else if (command.startsWith("az network vnet peering update ")) {
      const id = arg("ids");
      const peering = arm.get(id, NET) as { properties: Record<string, unknown> };
      const [property, value] = arg("set").split("=");
      arm.put(id, NET, { properties: { ...peering.properties, [property]: value === "true" ? true : value === "false" ? false : value } });
    } else if (command.startsWith("az network vnet peering delete ")) {
      arm.delete(arg("ids"), NET);
    } else {
      assert.fail(`applyAzFix does not know: ${command}`);
    }
  }
}
