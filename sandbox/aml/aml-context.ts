import type { ArmService } from "../arm/arm-service";
import type { AppRegistration, SandboxDirectory } from "../directory";
import type { TokenAuthority } from "../entra/token-authority";
import type { SandboxRequest } from "../http/message";
import type { AmlState } from "./aml-state";

/** An AML data-plane error: sent as AML's ErrorResponse with `status`. */
export class AmlHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly innerCode: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AmlServices {
  state: AmlState;
  arm: ArmService;
  authority: TokenAuthority;
  directory: SandboxDirectory;
}

/** What a data-plane route needs: the caller, the workspace it addresses and the rest of the path. */
export interface AmlRequestContext {
  req: SandboxRequest;
  state: AmlState;
  region: string;
  workspaceId: string;
  workspaceName: string;
  tenantId: string;
  app: AppRegistration;
  /** Path segments after .../workspaces/{name}. */
  rest: string[];
  /** Throws a 403 AmlHttpError when the caller's roles do not grant `action` on the workspace. */
  authorize(action: string): void;
}
