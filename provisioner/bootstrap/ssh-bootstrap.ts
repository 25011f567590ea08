import type { AgentMachine, ProvisionContext } from "../context";
import { ProvisionerInputError } from "../errors";
import type { AgentBootstrap } from "./agent-bootstrap";

const NOT_YET = "bootstrap: ssh is not yet supported (it will run the agent script over SSH through a jump host, with pinned host keys); use bootstrap: extension";

/** SSH through a jump host (Bastion or a jump VM) with pinned host keys: not implemented yet, refused up front. */
export class SshBootstrap implements AgentBootstrap {
  readonly kind = "ssh" as const;

  async preflight(): Promise<void> {
    throw new ProvisionerInputError(NOT_YET);
  }

  async ensure(_ctx: ProvisionContext, _machine: AgentMachine): Promise<void> {
    throw new ProvisionerInputError(NOT_YET);
  }
}
