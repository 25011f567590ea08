import assert from "node:assert/strict";
import { tagCovers } from "../../../readiness/nsg/service-tags";

const covers = (rule: string, flow: string): string => tagCovers(rule, flow, "westeurope");

describe("readiness/nsg service tags", () => {
  it("* and Any cover every tag", () => {
    assert.deepEqual([covers("*", "Storage.westeurope"), covers("Any", "VirtualNetwork")], ["covers", "covers"]);
  });

  it("an equal tag covers, whatever the case", () => {
    assert.equal(covers("storage.WestEurope", "Storage.westeurope"), "covers");
  });

  it("a global tag covers its regional forms", () => {
    assert.deepEqual(
      [
        covers("Storage", "Storage.westeurope"),
        covers("AzureMachineLearning", "AzureMachineLearning.westeurope"),
        covers("BatchNodeManagement", "BatchNodeManagement.westeurope"),
      ],
      ["covers", "covers", "covers"],
    );
  });

  it("a regional tag does not cover another region and only partly covers its global tag", () => {
    assert.deepEqual([covers("Storage.westeurope", "Storage.northeurope"), covers("Storage.westeurope", "Storage")], ["disjoint", "partial"]);
  });

  it("AzureCloud covers every Azure service tag; AzureCloud.<region> only that region's tags", () => {
    assert.deepEqual(
      [
        covers("AzureCloud", "AzureMachineLearning"),
        covers("AzureCloud.westeurope", "Storage.westeurope"),
        covers("AzureCloud.westeurope", "Storage.northeurope"),
        covers("AzureCloud.westeurope", "AzureActiveDirectory"),
      ],
      ["covers", "covers", "disjoint", "partial"],
    );
  });

  it("Internet covers AzureCloud and the service tags", () => {
    assert.deepEqual([covers("Internet", "AzureCloud"), covers("Internet", "MicrosoftContainerRegistry.westeurope")], ["covers", "covers"]);
  });

  it("VirtualNetwork and AzureLoadBalancer do not cover public service tags", () => {
    assert.deepEqual([covers("VirtualNetwork", "Storage.westeurope"), covers("AzureLoadBalancer", "AzureMachineLearning")], ["disjoint", "disjoint"]);
  });

  it("treats AzureFrontDoor.FrontEnd as a sub-tag of AzureFrontDoor, not a region", () => {
    assert.deepEqual(
      [
        covers("AzureFrontDoor", "AzureFrontDoor.FrontEnd"),
        covers("AzureFrontDoor.FrontEnd", "AzureFrontDoor.FirstParty"),
        covers("AzureCloud.westeurope", "AzureFrontDoor.FrontEnd"),
      ],
      ["covers", "disjoint", "partial"],
    );
  });

  it("distinct service tags are disjoint", () => {
    assert.equal(covers("Sql", "Storage.westeurope"), "disjoint");
  });

  it("a public CIDR against a service tag is unknown, a private one disjoint, 0.0.0.0/0 covers", () => {
    assert.deepEqual(
      [covers("20.38.0.0/16", "Storage.westeurope"), covers("10.0.0.0/8", "Storage.westeurope"), covers("0.0.0.0/0", "AzureMachineLearning")],
      ["unknown", "disjoint", "covers"],
    );
  });

  it("fills a <region> placeholder with the region", () => {
    assert.equal(covers("Storage.<region>", "Storage.westeurope"), "covers");
  });
});
