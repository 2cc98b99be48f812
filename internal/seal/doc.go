// Package seal keeps organisations' electronic seals (电子印章).
//
// A seal is an organisation's signing key plus its image: a 公章 (the
// organisation's own seal) or a 业务专用章 (a seal for one line of business,
// such as 行政审批专用章). Each seal has a key pair in one of three
// algorithms: SM2 with SM3 (the default, GM/T 0003 with the default user
// ID 1234567812345678), Ed25519 and ECDSA P-256 for verifiers abroad.
// Private keys live in a Vault: by default (SoftwareVault) encrypted at
// rest under the node key (cryptox.Keyring); a hardware security module
// implements Vault and keeps them inside it. Either way they are used
// through the Signer interface, so callers never change.
//
// A seal's life: created active; suspended (signs nothing, what it signed
// stays valid) and resumed; rotated (a new key signs from now on; the old
// one is retired: still published so what it signed still verifies);
// revoked for ever (its keys leave the published key set; an earlier
// signature still counts if the audit chain proves it was made before the
// revocation — ProveSigned). Every signature is written to the use log
// (用印记录: who, the SHA-256 of what was signed, when) with an audit entry
// in the same transaction, and every lifecycle change is audited.
//
// Administrators (seal.manage) manage the seals of organisations within
// their region scope; outside it a seal answers "not found". Other domains
// (licences) sign through Prepare and Sign after checking their own
// permissions.
//
// The image (SVG) is drawn in the classic form: a red ring, the
// organisation's name around the upper rim, a five-pointed star in the
// centre, the seal's name below.
package seal
