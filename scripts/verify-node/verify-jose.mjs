// Verifies digigov licences (compact JWS, EdDSA or ES256) against a node's
// served JWKS with npm jose — code digigov did not write.
//
//   node verify-jose.mjs JWKS_URL FILE...
//
// Each FILE holds one compact JWS. Prints one line per licence and exits 1
// if any fails to verify, is not a W3C VC 2.0, or is signed with another
// algorithm than the one its key declares.
import { readFileSync } from 'node:fs';
import { compactVerify, createLocalJWKSet } from 'jose';

const [jwksURL, ...files] = process.argv.slice(2);
if (!jwksURL || files.length === 0) {
  console.error('usage: node verify-jose.mjs JWKS_URL FILE...');
  process.exit(2);
}
const res = await fetch(jwksURL);
if (!res.ok) {
  console.error(`JWKS ${jwksURL}: HTTP ${res.status}`);
  process.exit(1);
}
const jwks = await res.json();
// jose knows EdDSA and ES256; our SM2 keys are for verify-sm2.mjs.
const keys = createLocalJWKSet({ keys: jwks.keys.filter((k) => k.alg === 'EdDSA' || k.alg === 'ES256') });
let failed = 0;
for (const f of files) {
  const jws = readFileSync(f, 'utf8').trim();
  try {
    const { payload, protectedHeader } = await compactVerify(jws, keys, { algorithms: ['EdDSA', 'ES256'] });
    const vc = JSON.parse(new TextDecoder().decode(payload));
    if (vc['@context']?.[0] !== 'https://www.w3.org/ns/credentials/v2' || !vc.type?.includes('VerifiableCredential')) {
      throw new Error('not a W3C VC 2.0');
    }
    console.log(`ok ${protectedHeader.alg} ${vc.credentialSubject.licenseNumber} ${vc.issuer.name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${f}: ${e.code ?? ''} ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
