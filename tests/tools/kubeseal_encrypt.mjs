// Seal one value with @linode/kubeseal-encrypt, an independent kubeseal-compatible encryptor
// (Node's WebCrypto), to prove vibe's layout matches: tests decrypt its output with unseal.py too.
//
// usage: node kubeseal_encrypt.mjs NPM_PREFIX CERT.pem NAMESPACE   (the value on standard input)
// Prints the base64 sealed value. The library seals namespace-wide only (label = namespace).
// NPM_PREFIX is where tests/run.sh installed the package (target/npm-tools).
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [prefix, certFile, namespace] = process.argv.slice(2);
if (!prefix || !certFile || !namespace) {
  console.error('usage: node kubeseal_encrypt.mjs NPM_PREFIX CERT.pem NAMESPACE < value');
  process.exit(2);
}
const lib = await import(pathToFileURL(join(prefix, 'node_modules/@linode/kubeseal-encrypt/dist/index.js')).href);
// The library takes the public key, not the certificate: take it from the same certificate vibe uses.
const publicKey = new X509Certificate(readFileSync(certFile)).publicKey.export({ type: 'spki', format: 'pem' });
const value = readFileSync(0, 'utf8');
process.stdout.write(await lib.encryptSecretItem(publicKey, namespace, value));
