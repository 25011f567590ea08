import type { BootstrapKind } from "../config/config-types";
import type { AgentMachine, ProvisionContext } from "../context";
import { ProvisionerInputError } from "../errors";
import { ExtensionBootstrap } from "./extension-bootstrap";
import { SshBootstrap } from "./ssh-bootstrap";

/**
 * How the agent software gets onto a VM: configured unattended with the PAT, installed as a service. The
 * implementations are real alternatives (Custom Script extension; SSH through a jump host), chosen by
 * `bootstrap:` in the config through {@link bootstrapFor}.
 */
export interface AgentBootstrap {
  readonly kind: BootstrapKind;
  /** Refuses, before anything is written, a bootstrap that cannot work with this config. */
  preflight(ctx: ProvisionContext): Promise<void>;
  /** Installs and configures the agent on one machine, unless it already is (records one change). */
  ensure(ctx: ProvisionContext, machine: AgentMachine): Promise<void>;
}

type BootstrapFactory = () => AgentBootstrap;

const REGISTRY = new Map<string, BootstrapFactory>([
  ["extension", () => new ExtensionBootstrap()],
  ["ssh", () => new SshBootstrap()],
]);

/** The bootstrap for a config value; an unknown one is refused with the known names (never a silent default). */
export function bootstrapFor(kind: string): AgentBootstrap {
  const factory = REGISTRY.get(kind);
  if (!factory) throw new ProvisionerInputError(`bootstrap '${kind}' is not known; use one of ${[...REGISTRY.keys()].join(", ")}`);
  return factory();
}

export function bootstrapKinds(): string[] {
  return [...REGISTRY.keys()];
}
