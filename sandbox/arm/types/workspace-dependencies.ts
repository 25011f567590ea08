/**
 * The resources an AML workspace depends on: storage accounts, key vaults, container registries, Application Insights
 * components. Shapes from azure-rest-api-specs storage 2024-01-01 `storage.json` + StorageAccountCreate.json, keyvault
 * 2024-11-01 `keyvault.json` + createVault.json, containerregistry 2025-04-01 `containerregistry.json` +
 * RegistryCreate.json, applicationinsights 2020-02-02 `components_API.json` + ComponentsCreate.json (all in
 * test/fixtures/arm). Geo-redundant storage pairs from learn.microsoft.com azure/reliability/cross-region-replication-azure.
 */
import { guidFrom } from "../../http/random";
import { ArmError } from "../arm-error";
import type { ResourceTypeSpec } from "../resource-type";
import { connectionsInline } from "./private-endpoint-connection";
import { asObject, asString, JsonObject, propertiesOf } from "./wire";

export const STORAGE = "Microsoft.Storage/storageAccounts";
export const VAULT = "Microsoft.KeyVault/vaults";
export const REGISTRY = "Microsoft.ContainerRegistry/registries";
export const INSIGHTS = "Microsoft.Insights/components";

export const storageAccountType: ResourceTypeSpec = {
  type: STORAGE,
  lro: "storage",
  placement: "tracked",
  inlineChildren: [connectionsInline(STORAGE)],
  write(_ctx, request) {
    const name = request.address.names[0];
    if (!/^[a-z0-9]{3,24}$/.test(name))
      throw new ArmError(
        400,
        "AccountNameInvalid",
        `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`,
      );
    const body = asObject(request.body);
    const skuName = asString(asObject(body.sku).name);
    if (!skuName)
      throw new ArmError(
        400,
        "InvalidRequestContent",
        "The request content was invalid and could not be deserialized: 'Required property 'sku' not found in JSON.'",
      );
    const props = propertiesOf(body);
    const location = String(body.location).replace(/\s+/g, "").toLowerCase();
    const endpoint = (service: string) => `https://${name}.${service}.core.windows.net/`;
    const now = new Date().toISOString();
    const before = propertiesOf(request.existing?.body);
    const secondaryLocation = GEO_REDUNDANT.test(skuName) ? PAIRED_REGIONS[location] : undefined;
    return {
      sku: { name: skuName, tier: skuName.startsWith("Premium") ? "Premium" : "Standard" },
      kind: body.kind ?? "StorageV2",
      properties: {
        publicNetworkAccess: props.publicNetworkAccess ?? "Enabled",
        networkAcls: props.networkAcls ?? { bypass: "AzureServices", virtualNetworkRules: [], ipRules: [], defaultAction: "Allow" },
        allowBlobPublicAccess: props.allowBlobPublicAccess ?? false,
        allowSharedKeyAccess: props.allowSharedKeyAccess ?? true,
        minimumTlsVersion: props.minimumTlsVersion ?? "TLS1_2",
        supportsHttpsTrafficOnly: props.supportsHttpsTrafficOnly ?? true,
        isHnsEnabled: props.isHnsEnabled ?? false,
        isSftpEnabled: props.isSftpEnabled ?? false,
        encryption: storageEncryption(props.encryption ?? before.encryption, now),
        keyCreationTime: before.keyCreationTime ?? { key1: now, key2: now },
        ...(props.keyPolicy ? { keyPolicy: props.keyPolicy } : {}),
        ...(props.sasPolicy ? { sasPolicy: props.sasPolicy } : {}),
        ...(props.routingPreference ? { routingPreference: props.routingPreference } : {}),
        primaryEndpoints: {
          blob: endpoint("blob"),
          queue: endpoint("queue"),
          table: endpoint("table"),
          file: endpoint("file"),
          dfs: endpoint("dfs"),
          web: `https://${name}.z6.web.core.windows.net/`,
        },
        primaryLocation: location,
        statusOfPrimary: "available",
        ...(secondaryLocation ? { secondaryLocation, statusOfSecondary: "available" } : {}),
        creationTime: before.creationTime ?? now,
      },
    };
  },
};

/** Geo-redundant SKUs replicate to the region's pair (regions without a pair have no secondary here). */
const GEO_REDUNDANT = /^Standard_(RA)?GZ?RS$/;
const PAIRED_REGIONS: Record<string, string> = {
  eastus: "westus",
  westus: "eastus",
  eastus2: "centralus",
  centralus: "eastus2",
  westus2: "westcentralus",
  westcentralus: "westus2",
  westus3: "eastus",
  northcentralus: "southcentralus",
  southcentralus: "northcentralus",
  canadacentral: "canadaeast",
  brazilsouth: "southcentralus",
  northeurope: "westeurope",
  westeurope: "northeurope",
  uksouth: "ukwest",
  ukwest: "uksouth",
  francecentral: "francesouth",
  germanywestcentral: "germanynorth",
  switzerlandnorth: "switzerlandwest",
  norwayeast: "norwaywest",
  swedencentral: "swedensouth",
  eastasia: "southeastasia",
  southeastasia: "eastasia",
  japaneast: "japanwest",
  japanwest: "japaneast",
  koreacentral: "koreasouth",
  australiaeast: "australiasoutheast",
  centralindia: "southindia",
  uaenorth: "uaecentral",
  southafricanorth: "southafricawest",
};

/** Microsoft-managed keys for blob and file unless the request says otherwise; each enabled service gets its lastEnabledTime. */
function storageEncryption(given: unknown, now: string): JsonObject {
  const encryption = asObject(given);
  const services: JsonObject = {};
  for (const [service, value] of Object.entries(asObject(encryption.services ?? { blob: { enabled: true }, file: { enabled: true } }))) {
    const settings = asObject(value);
    services[service] = {
      enabled: settings.enabled ?? true,
      keyType: settings.keyType ?? "Account",
      ...(settings.enabled === false ? {} : { lastEnabledTime: settings.lastEnabledTime ?? now }),
    };
  }
  return {
    keySource: encryption.keySource ?? "Microsoft.Storage",
    requireInfrastructureEncryption: encryption.requireInfrastructureEncryption ?? false,
    services,
    ...(encryption.keyvaultproperties ? { keyvaultproperties: encryption.keyvaultproperties } : {}),
  };
}

export function vaultType(tenantId: string): ResourceTypeSpec {
  return {
    type: VAULT,
    lro: "sync",
    placement: "tracked",
    inlineChildren: [connectionsInline(VAULT)],
    write(_ctx, request) {
      const name = request.address.names[0];
      if (!/^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$/.test(name))
        throw new ArmError(
          400,
          "VaultNameNotValid",
          `The vault name '${name}' is invalid. A vault's name must be between 3-24 alphanumeric characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive hyphens.`,
        );
      const props = propertiesOf(request.body);
      const sku = asObject(props.sku);
      if (!sku.name || !props.tenantId) throw new ArmError(400, "BadRequest", "The 'sku' and 'tenantId' properties are required for a vault.");
      return {
        properties: {
          sku: { family: sku.family ?? "A", name: sku.name },
          tenantId: props.tenantId ?? tenantId,
          accessPolicies: props.accessPolicies ?? [],
          enabledForDeployment: props.enabledForDeployment ?? false,
          enabledForDiskEncryption: props.enabledForDiskEncryption ?? false,
          enabledForTemplateDeployment: props.enabledForTemplateDeployment ?? false,
          enableRbacAuthorization: props.enableRbacAuthorization ?? false,
          enableSoftDelete: props.enableSoftDelete ?? true,
          softDeleteRetentionInDays: props.softDeleteRetentionInDays ?? 90,
          publicNetworkAccess: props.publicNetworkAccess ?? "Enabled",
          networkAcls: props.networkAcls ?? { bypass: "AzureServices", defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] },
          vaultUri: `https://${name}.vault.azure.net/`,
        },
      };
    },
  };
}

export const registryType: ResourceTypeSpec = {
  type: REGISTRY,
  lro: "network",
  placement: "tracked",
  inProgressState: "Creating",
  inlineChildren: [connectionsInline(REGISTRY)],
  write(ctx, request) {
    const name = request.address.names[0];
    if (!/^[A-Za-z0-9]{5,50}$/.test(name))
      throw new ArmError(400, "InvalidRegistryName", `Registry name '${name}' is invalid: use 5-50 alphanumeric characters.`);
    const body = asObject(request.body);
    const skuGiven = asObject(body.sku).name;
    const sku = ["Basic", "Standard", "Premium"].find((s) => s.toLowerCase() === String(skuGiven).toLowerCase());
    if (!sku) throw new ArmError(400, "InvalidSku", `The SKU '${String(skuGiven)}' is invalid. Valid SKUs are Basic, Standard and Premium.`);
    const props = propertiesOf(body);
    const publicNetworkAccess = props.publicNetworkAccess ?? "Enabled";
    if (publicNetworkAccess === "Disabled" && sku !== "Premium") {
      throw new ArmError(
        400,
        "DisablingPublicNetworkAccessNotSupported",
        `Disabling public network access is not supported for the SKU ${sku}. For more information, please visit https://aka.ms/acr/private-link.`,
      );
    }
    const hasConnections = ctx.store.childrenOf(request.id).length > 0;
    if (hasConnections && sku !== "Premium") {
      throw new ArmError(
        400,
        "SkuUpdateNotAllowedWithPrivateEndpoints",
        `Registry '${name}' has private endpoint connections and cannot move to the ${sku} SKU; private link needs Premium.`,
      );
    }
    const location = String(body.location).replace(/\s+/g, "").toLowerCase();
    const now = new Date().toISOString();
    const before = propertiesOf(request.existing?.body);
    const policies = asObject(props.policies);
    const retentionPolicy = asObject(policies.retentionPolicy);
    return {
      sku: { name: sku, tier: sku },
      properties: {
        loginServer: `${name.toLowerCase()}.azurecr.io`,
        creationDate: before.creationDate ?? new Date().toISOString(),
        adminUserEnabled: props.adminUserEnabled ?? false,
        publicNetworkAccess,
        networkRuleBypassOptions: props.networkRuleBypassOptions ?? "AzureServices",
        dataEndpointEnabled: props.dataEndpointEnabled ?? false,
        dataEndpointHostNames: props.dataEndpointEnabled ? [`${name.toLowerCase()}.${location}.data.azurecr.io`] : [],
        zoneRedundancy: props.zoneRedundancy ?? "Disabled",
        // Firewall rules are a Premium feature; the other SKUs show the open default.
        networkRuleSet: (sku === "Premium" ? props.networkRuleSet : undefined) ?? { defaultAction: "Allow", ipRules: [] },
        policies: {
          quarantinePolicy: { status: asObject(policies.quarantinePolicy).status ?? "disabled" },
          trustPolicy: { type: "Notary", status: asObject(policies.trustPolicy).status ?? "disabled" },
          retentionPolicy: {
            days: retentionPolicy.days ?? 7,
            lastUpdatedTime: asObject(asObject(before.policies).retentionPolicy).lastUpdatedTime ?? now,
            status: retentionPolicy.status ?? "disabled",
          },
          exportPolicy: { status: asObject(policies.exportPolicy).status ?? "enabled" },
        },
        encryption: props.encryption ?? { status: "disabled" },
      },
    };
  },
};

export const insightsComponentType: ResourceTypeSpec = {
  type: INSIGHTS,
  lro: "sync",
  createdStatus: 200,
  placement: "tracked",
  write(_ctx, request) {
    const body = asObject(request.body);
    const props = propertiesOf(body);
    if (!body.kind || !props.Application_Type)
      throw new ArmError(400, "BadRequest", "The 'kind' and 'properties.Application_Type' values are required for an Application Insights component.");
    const before = propertiesOf(request.existing?.body);
    const key = String(before.InstrumentationKey ?? guidFrom(request.id + "ikey"));
    const location = String(body.location).replace(/\s+/g, "").toLowerCase();
    return {
      kind: body.kind,
      properties: {
        ApplicationId: request.address.names[0],
        AppId: before.AppId ?? guidFrom(request.id + "appid"),
        Application_Type: props.Application_Type,
        InstrumentationKey: key,
        ...(props.Flow_Type ? { Flow_Type: props.Flow_Type } : {}),
        ...(props.Request_Source ? { Request_Source: props.Request_Source } : {}),
        HockeyAppId: props.HockeyAppId ?? "",
        HockeyAppToken: "",
        SamplingPercentage: props.SamplingPercentage ?? 100,
        ...(props.WorkspaceResourceId ? { WorkspaceResourceId: props.WorkspaceResourceId } : {}),
        DisableIpMasking: props.DisableIpMasking ?? false,
        ConnectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${location}-0.in.applicationinsights.azure.com/`,
        Name: request.address.names[0],
        CreationDate: before.CreationDate ?? new Date().toISOString(),
        TenantId: request.address.subscriptionId,
        // Workspace-based components send their telemetry to the Log Analytics workspace.
        IngestionMode: props.IngestionMode ?? (props.WorkspaceResourceId ? "LogAnalytics" : "ApplicationInsights"),
        publicNetworkAccessForIngestion: props.publicNetworkAccessForIngestion ?? "Enabled",
        publicNetworkAccessForQuery: props.publicNetworkAccessForQuery ?? "Enabled",
      },
    };
  },
};
