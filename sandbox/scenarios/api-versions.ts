/** The api-versions the sandbox's own scenario builders use (real, current stable versions). */
export const API = {
  resources: "2024-03-01",
  network: "2024-07-01",
  privateDns: "2024-06-01",
  dnsResolver: "2022-07-01",
  compute: "2024-11-01",
  ml: "2024-04-01",
  storage: "2024-01-01",
  keyVault: "2024-11-01",
  registry: "2025-04-01",
  insights: "2020-02-02",
  containerService: "2024-05-01",
  authorization: "2022-04-01",
} as const;
