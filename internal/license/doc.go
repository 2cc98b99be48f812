// Package license issues and verifies electronic licences (电子证照).
//
// A licence is issued by an authority to a holder — a person or an
// enterprise — under one of the licence types of the catalog (Types: 居民身份证,
// 营业执照, 结婚证, 社会保障卡 and more, each with its fields and holder kind). It
// is a W3C Verifiable Credential 2.0 secured as a compact JWS (VC-JOSE-COSE,
// typ "vc+jwt") with the key of the issuing organisation's seal (package
// seal): the header's kid is the seal key's RFC 7638 thumbprint, published
// at /.well-known/jwks.json, and alg is EdDSA, ES256 or "SM2" (SM2 with SM3
// and the default user ID, signature r || s; see docs/seals.md).
//
// The credential names its holder by a keyed hash (urn:digigov:holder:…),
// never by ID number. Its number is unique per issuer (type code, region,
// year, serial). Its credentialStatus holds two BitstringStatusListEntry
// entries, revocation and suspension, into status lists of 131,072 entries
// that the node publishes signed at /credentials/status/{n}-{purpose}.
//
// An officer of the issuing organisation (license.issue) suspends, revokes
// or reinstates a licence with a reason; each change is audited and sent
// to the outbox. A case whose item results in a licence issues it when it
// completes (IssueForCase, driven by the cases.complete event).
//
// Verification (Verifier) answers at once: genuine or not, the verdict
// (valid, suspended, revoked, expired, not yet valid, invalid) and the
// specific reason (tampered, unknown key, wrong algorithm, truncated,
// malformed, malformed QR, expired 亮证 code, …). The node's verifier reads
// states directly; NewOffline verifies with nothing but a cached JWKS and
// cached status lists, each checked (CheckStatusList: signature, id, purpose,
// validUntil; one past it since makes the status unknown, ReasonStatusStale).
// The public package github.com/digigov/digigov/verifier is the front of
// this verifier for importers outside the module. A licence signed by a seal that was revoked later
// still verifies, flagged "signed while the seal was valid", when the
// audit chain proves its signature older than the revocation.
//
// 亮证: the holder shows a QR code holding a short-lived compact JWS
// (Presentation, typ "digigov-present+jwt", valid five minutes) by the
// issuer's seal, with the licence's status entries; it verifies offline.
// A licence's PDF carries a Reference (typ "digigov-ref+jwt") in its QR
// code instead: the same particulars without the fields, no expiry,
// signed once and stored.
//
// Whatever a payload says of its issuer is the signer's claim: the
// verifier accepts it only when it is the signing key's organisation
// (ReasonIssuerMismatch otherwise). Keys imported from other nodes' trust
// lists can be withdrawn — by a newer list of the same source, or by
// removing the source — after which what they signed answers
// ReasonTrustWithdrawn.
package license
