import { generateKeyPairSync } from "node:crypto";
import forge from "node-forge";
import { thumbprintsOf } from "../../sandbox/entra/token-authority";
import type { AppRegistration } from "../../sandbox/directory";

/** A self-signed certificate registered on `app`, returned as the PEM (key + certificate) a client presents. */
export function registerCertificate(app: AppRegistration): string {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60000);
  cert.validity.notAfter = new Date(Date.now() + 86400000);
  cert.setSubject([{ name: "commonName", value: `${app.displayName}-cert` }]);
  cert.setIssuer(cert.subject.attributes);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  const certPem = forge.pki.certificateToPem(cert);
  for (const thumbprint of thumbprintsOf(certPem)) app.certificateThumbprints.set(thumbprint, certPem);
  return `${privateKey}\n${certPem}`;
}
