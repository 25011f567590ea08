import { randomBytes } from "node:crypto";
import { SeededRandom } from "./http/random";

/** Built-in roles the sandbox's ARM enforces, as action patterns (a subset of Azure's role definitions). */
export type RoleName = "Owner" | "Contributor" | "Reader" | "User Access Administrator" | "Network Contributor" | "Private DNS Zone Contributor";

export interface RoleAssignment {
  /** ARM scope, e.g. /subscriptions/{id} or /subscriptions/{id}/resourceGroups/{rg}. */
  scope: string;
  role: RoleName;
}

export interface ClientSecret {
  value: string;
  expired: boolean;
}

export interface FederatedCredential {
  issuer: string;
  subject: string;
  audiences: string[];
}

export interface AppRegistration {
  clientId: string;
  objectId: string;
  displayName: string;
  secrets: ClientSecret[];
  /** SHA-1 thumbprints (hex, upper case) of certificates whose signed assertions are accepted. */
  certificateThumbprints: Map<string, string>;
  federatedCredentials: FederatedCredential[];
  roleAssignments: RoleAssignment[];
}

export interface PersonalAccessToken {
  token: string;
  /** Azure DevOps scopes, e.g. vso.agentpools_manage. */
  scopes: string[];
  userName: string;
}

/**
 * Who exists in the sandbox: the tenant, its app registrations and their roles, the subscription, and the
 * Azure DevOps organization with its PATs. IDs come from the seed; secrets are random for every start.
 */
export class SandboxDirectory {
  readonly tenantId: string;
  readonly subscriptionId: string;
  /** Lower-cased IDs of the subscriptions ARM knows (the default one, plus any a scenario adds for hub-and-spoke). */
  readonly subscriptions = new Set<string>();
  readonly devopsOrganization = "sandbox-org";
  readonly devopsOrganizationId: string;
  readonly apps = new Map<string, AppRegistration>();
  readonly pats = new Map<string, PersonalAccessToken>();
  readonly defaultApp: AppRegistration;
  readonly defaultPat: PersonalAccessToken;

  constructor(random: SeededRandom) {
    this.tenantId = random.guid();
    this.subscriptionId = random.guid();
    this.devopsOrganizationId = random.guid();
    this.subscriptions.add(this.subscriptionId);
    this.defaultApp = this.addApp("amlvnet-sandbox-sp", random.guid(), random.guid(), [
      { scope: `/subscriptions/${this.subscriptionId}`, role: "Contributor" },
      // A deployment identity usually also assigns roles (AKS needs Network Contributor on its subnet's group).
      { scope: `/subscriptions/${this.subscriptionId}`, role: "User Access Administrator" },
    ]);
    this.defaultPat = this.addPat(["vso.agentpools_manage", "vso.project"], "sandbox-user@example.com");
  }

  addApp(displayName: string, clientId: string, objectId: string, roleAssignments: RoleAssignment[]): AppRegistration {
    const app: AppRegistration = {
      clientId,
      objectId,
      displayName,
      secrets: [{ value: newSecret(), expired: false }],
      certificateThumbprints: new Map(),
      federatedCredentials: [],
      roleAssignments,
    };
    this.apps.set(clientId.toLowerCase(), app);
    return app;
  }

  addPat(scopes: string[], userName: string): PersonalAccessToken {
    const pat: PersonalAccessToken = { token: randomBytes(39).toString("base64url").toLowerCase().slice(0, 52), scopes, userName };
    this.pats.set(pat.token, pat);
    return pat;
  }

  findApp(clientId: string): AppRegistration | undefined {
    return this.apps.get(clientId.toLowerCase());
  }

  /** Finds an app by its service principal object ID (the `oid` claim of its tokens). */
  findAppByObjectId(objectId: string): AppRegistration | undefined {
    for (const app of this.apps.values()) if (app.objectId === objectId) return app;
    return undefined;
  }
}

function newSecret(): string {
  // Entra client secrets are 40 characters with a '~' in them; the shape does not matter, only that it is secret.
  return `sbx~${randomBytes(27).toString("base64url")}`;
}
