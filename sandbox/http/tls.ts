import { generateKeyPairSync, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import forge from "node-forge";

export interface SandboxTls {
  caCertPem: string;
  /** Absolute path of the CA certificate, for NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  serverCertPem: string;
  serverKeyPem: string;
}

const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

function newKeyPair(): { privateKeyPem: string; forgePrivate: forge.pki.rsa.PrivateKey; forgePublic: forge.pki.rsa.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return {
    privateKeyPem: privateKey,
    forgePrivate: forge.pki.privateKeyFromPem(privateKey),
    forgePublic: forge.pki.publicKeyFromPem(publicKey),
  };
}

function newCertificate(subjectCn: string, publicKey: forge.pki.rsa.PublicKey, days: number): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = "01" + randomBytes(15).toString("hex");
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
  cert.setSubject([
    { name: "commonName", value: subjectCn },
    { name: "organizationName", value: "amlvnet sandbox" },
  ]);
  return cert;
}

function generateCa(): { certPem: string; cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey; keyPem: string } {
  const keys = newKeyPair();
  const cert = newCertificate("amlvnet sandbox CA", keys.forgePublic, 30);
  cert.setIssuer(cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.forgePrivate, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), cert, key: keys.forgePrivate, keyPem: keys.privateKeyPem };
}

function generateServerCert(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }): { certPem: string; keyPem: string } {
  const keys = newKeyPair();
  const cert = newCertificate("127.0.0.1", keys.forgePublic, 30);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
    { name: "extKeyUsage", serverAuth: true },
    {
      name: "subjectAltName",
      altNames: LOOPBACK_NAMES.map((name) => (/^[\d.:]+$/.test(name) ? { type: 7, ip: name } : { type: 2, value: name })),
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKeyPem };
}

/** Writes a file whole or not at all: a temp file beside it, then a rename (readers never see half a key). */
function writeAtomically(path: string, content: string, mode: number): void {
  const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  writeFileSync(temp, content, { mode });
  renameSync(temp, path);
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * The CA in ca.pem / ca-key.pem, created when absent. Several sandboxes may start at once on one state directory:
 * one creates it (holding ca.lock, made with O_EXCL), the others wait for it; each file is written whole (temp file
 * and rename), key first, so a reader that sees the certificate also sees its key.
 */
function loadOrCreateCa(caCertPath: string, caKeyPath: string): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const lockPath = join(dirname(caCertPath), "ca.lock");
  for (let waited = 0; !existsSync(caCertPath) || !existsSync(caKeyPath); waited += 20) {
    let lock: number | undefined;
    try {
      lock = openSync(lockPath, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      // A lock older than 10 s belongs to a sandbox that died while creating the CA.
      if (waited > 10_000) rmSync(lockPath, { force: true });
      sleep(20);
      continue;
    }
    try {
      if (!existsSync(caCertPath) || !existsSync(caKeyPath)) {
        const generated = generateCa();
        writeAtomically(caKeyPath, generated.keyPem, 0o600);
        writeAtomically(caCertPath, generated.certPem, 0o644);
      }
    } finally {
      closeSync(lock);
      rmSync(lockPath, { force: true });
    }
  }
  return {
    cert: forge.pki.certificateFromPem(readFileSync(caCertPath, "utf8")),
    key: forge.pki.privateKeyFromPem(readFileSync(caKeyPath, "utf8")),
  };
}

/**
 * Loads the CA kept in `dir`, or generates one there (ca.pem, ca-key.pem), then issues a fresh server certificate
 * for the loopback names. Reusing a CA lets a process whose NODE_EXTRA_CA_CERTS was fixed at start (a test runner)
 * trust sandboxes started later.
 */
export function prepareTls(dir: string): SandboxTls {
  const absDir = resolve(dir);
  mkdirSync(absDir, { recursive: true, mode: 0o700 });
  const caCertPath = join(absDir, "ca.pem");
  const caKeyPath = join(absDir, "ca-key.pem");
  const ca = loadOrCreateCa(caCertPath, caKeyPath);
  const server = generateServerCert(ca);
  return {
    caCertPem: forge.pki.certificateToPem(ca.cert),
    caCertPath,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
  };
}
