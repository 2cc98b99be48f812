// Verifies digigov licences signed with SM2 (alg "SM2": SM2 with SM3 over
// the JWS signing input, default user ID 1234567812345678, signature r || s)
// with npm sm-crypto — code digigov did not write.
//
//   node verify-sm2.mjs JWKS_URL FILE...
//
// The key is taken from the JWKS by the header's kid: a JWK with
// kty EC, crv SM2, x and y (32 bytes each, base64url).
import { readFileSync } from 'node:fs';
import smCrypto from 'sm-crypto';

const { sm2 } = smCrypto;
const [jwksURL, ...files] = process.argv.slice(2);
if (!jwksURL || files.length === 0) {
  console.error('usage: node verify-sm2.mjs JWKS_URL FILE...');
  process.exit(2);
}
const res = await fetch(jwksURL);
if (!res.ok) {
  console.error(`JWKS ${jwksURL}: HTTP ${res.status}`);
  process.exit(1);
}
const { keys } = await res.json();
const hex = (b64url) => Buffer.from(b64url, 'base64url').toString('hex');
let failed = 0;
for (const f of files) {
  const jws = readFileSync(f, 'utf8').trim();
  const [h, p, s] = jws.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  const jwk = keys.find((k) => k.kid === header.kid);
  let ok = false;
  if (header.alg === 'SM2' && jwk && jwk.crv === 'SM2') {
    const pub = '04' + hex(jwk.x) + hex(jwk.y);
    ok = sm2.doVerifySignature(`${h}.${p}`, hex(s), pub, { hash: true, der: false, userId: '1234567812345678' });
  }
  const vc = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  if (ok) {
    console.log(`ok SM2 ${vc.credentialSubject?.licenseNumber} ${vc.issuer?.name}`);
  } else {
    failed++;
    console.log(`FAIL ${f}: alg ${header.alg}, key ${jwk ? 'found' : 'missing'}, signature does not verify`);
  }
}
process.exit(failed ? 1 : 0);
