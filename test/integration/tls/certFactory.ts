/**
 * Test certificates made at test time with the openssl CLI (Node's crypto cannot issue X.509):
 * a root CA, an intermediate, and leaves signed by the intermediate (valid, expired, wrong SAN).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  rootCert: string;
  intermediateCert: string;
  /** Leaf for `domain` (and localhost), valid now. */
  valid: { key: string; cert: string };
  expired: { key: string; cert: string };
  wrongSan: { key: string; cert: string };
}

function openssl(args: string[], cwd: string, env: Record<string, string> = {}): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: 'pipe', env: { ...process.env, ...env } });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString() ?? err.message}. Install it with: apt-get install -y openssl`);
  }
}

const CA_CONFIG = `
[ ca ]
default_ca = ca_default
[ ca_default ]
dir = .
database = ./index.txt
new_certs_dir = ./newcerts
serial = ./serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ v3_intermediate ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ v3_leaf ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = \${ENV::SAN}
`;

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

function leaf(dir: string, name: string, san: string, dates: string[]): { key: string; cert: string } {
  openssl(['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
  openssl(
    ['ca', '-config', 'ca.cnf', '-batch', '-notext', '-keyfile', 'int.key', '-cert', 'int.pem', '-extensions', 'v3_leaf', '-in', `${name}.csr`, '-out', `${name}.pem`, ...dates],
    dir,
    { SAN: san },
  );
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
}

/** Builds the PKI in `dir` for `domain`; takes a fraction of a second with EC keys. */
export function makeTestPki(dir: string, domain: string): TestPki {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'ca.cnf'), CA_CONFIG);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  openssl(
    ['req', '-x509', ...EC, '-keyout', 'root.key', '-out', 'root.pem', '-subj', '/CN=Test Root CA', '-days', '3650',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    dir,
  );
  openssl(['req', ...EC, '-keyout', 'int.key', '-out', 'int.csr', '-subj', '/CN=Test Intermediate CA'], dir);
  openssl(['ca', '-config', 'ca.cnf', '-batch', '-notext', '-keyfile', 'root.key', '-cert', 'root.pem', '-extensions', 'v3_intermediate', '-in', 'int.csr', '-out', 'int.pem', '-days', '1825'], dir, { SAN: 'DNS:unused' });
  const san = `DNS:${domain},DNS:localhost`;
  return {
    dir,
    rootCert: readFileSync(join(dir, 'root.pem'), 'utf8'),
    intermediateCert: readFileSync(join(dir, 'int.pem'), 'utf8'),
    valid: leaf(dir, 'valid', san, ['-days', '90']),
    expired: leaf(dir, 'expired', san, ['-startdate', '20200101000000Z', '-enddate', '20200401000000Z']),
    wrongSan: leaf(dir, 'wrongsan', 'DNS:other.example.org', ['-days', '90']),
  };
}

export const TEST_DOMAIN = 'app.example.test';
let shared: TestPki | undefined;

/** One PKI for TEST_DOMAIN per test process (openssl takes ~0.4 s); removed when the process exits. */
export function sharedTestPki(): TestPki {
  if (!shared) {
    const dir = mkdtempSync(join(tmpdir(), 'test-pki-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    shared = makeTestPki(dir, TEST_DOMAIN);
  }
  return shared;
}
