// Verifies digigov sealed documents (决定书, 证明, a licence's PDF: a PDF and its detached
// signature) against a node's served JWKS with code digigov did not write:
// npm jose for EdDSA and ES256, npm sm-crypto for SM2 (SM2 with SM3,
// default user ID 1234567812345678, signature r || s).
//
//   node verify-sealdoc.mjs JWKS_URL PDF JWS [PDF JWS]...
//
// The signature is a compact JWS (RFC 7515) with typ "digigov-sealdoc+jwt"
// whose payload, the statement, names the PDF by its SHA-256 (hex,
// "pdf_sha256") and its length ("pdf_size"): the PDF stays a plain file.
// A document verifies when the signature holds under the key its kid names
// in the JWKS, with the algorithm that key declares, and the statement's
// hash and length are those of the PDF's bytes, hashed here with node's
// own SHA-256. Prints one line per document and exits 1 if any fails.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { compactVerify, createLocalJWKSet } from 'jose';
import smCrypto from 'sm-crypto';

const { sm2 } = smCrypto;
const [jwksURL, ...files] = process.argv.slice(2);
if (!jwksURL || files.length === 0 || files.length % 2 !== 0) {
  console.error('usage: node verify-sealdoc.mjs JWKS_URL PDF JWS [PDF JWS]...');
  process.exit(2);
}
const res = await fetch(jwksURL);
if (!res.ok) {
  console.error(`JWKS ${jwksURL}: HTTP ${res.status}`);
  process.exit(1);
}
const { keys } = await res.json();
const joseKeys = createLocalJWKSet({ keys: keys.filter((k) => k.alg === 'EdDSA' || k.alg === 'ES256') });
const hex = (b64url) => Buffer.from(b64url, 'base64url').toString('hex');

// verifySignature checks the compact JWS and returns its header and the
// statement it signs; it throws if the signature does not hold.
async function verifySignature(jws) {
  const [h, p, s, extra] = jws.split('.');
  if (!h || !p || !s || extra !== undefined) throw new Error('not a compact JWS');
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
  if (header.typ !== 'digigov-sealdoc+jwt') throw new Error(`typ ${header.typ}: not a document signature`);
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${header.kid}: no such key in the JWKS`);
  if (jwk.alg !== header.alg) throw new Error(`alg ${header.alg}, but the key is ${jwk.alg}`);
  let payload;
  if (header.alg === 'SM2') {
    if (jwk.crv !== 'SM2') throw new Error('SM2 key without crv SM2');
    const pub = '04' + hex(jwk.x) + hex(jwk.y);
    if (!sm2.doVerifySignature(`${h}.${p}`, hex(s), pub, { hash: true, der: false, userId: '1234567812345678' })) {
      throw new Error('SM2 signature does not verify');
    }
    payload = Buffer.from(p, 'base64url');
  } else {
    ({ payload } = await compactVerify(jws, joseKeys, { algorithms: ['EdDSA', 'ES256'] }));
  }
  return { header, st: JSON.parse(Buffer.from(payload).toString('utf8')) };
}

let failed = 0;
for (let i = 0; i < files.length; i += 2) {
  const [pdfFile, jwsFile] = [files[i], files[i + 1]];
  try {
    const pdf = readFileSync(pdfFile);
    // The signature file may be a bundle: the signature on its first line,
    // the node's timestamp token (digigov-tst+jwt) on the next; the
    // signature is what proves the file.
    const { header, st } = await verifySignature(readFileSync(jwsFile, 'utf8').trim().split(/\s+/)[0]);
    const sum = createHash('sha256').update(pdf).digest('hex');
    if (typeof st.pdf_sha256 !== 'string' || st.pdf_sha256.toLowerCase() !== sum) {
      throw new Error(`the PDF's SHA-256 ${sum} is not the signed ${st.pdf_sha256}: the file was changed`);
    }
    if (st.pdf_size !== pdf.length) throw new Error(`the PDF has ${pdf.length} bytes, the signature says ${st.pdf_size}`);
    console.log(`ok ${header.alg} ${st.doc_no} ${st.title} ${st.iss_name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${pdfFile}: ${e.code ?? ''} ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
