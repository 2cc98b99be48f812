// Package cryptox encrypts personal data field by field and makes it
// searchable without decrypting it.
//
// Why: a citizen's ID number and phone number must not be readable by anyone
// who gets a copy of the database (a backup, a replica, a SQL console). So
// the store keeps, for each such field, two columns:
//
//   - the ciphertext from Keyring.Seal: AES-256-GCM with a fresh random
//     nonce, so equal values encrypt differently and reveal nothing. The
//     associated data binds a ciphertext to its row and column (for example
//     person ID + "id_number"), so a ciphertext copied into another row or
//     column no longer opens;
//   - the blind index from Keyring.BlindIndex: a keyed hash (HMAC-SHA256) of
//     the canonical value. It is deterministic, so "find the person with this
//     ID number" is an indexed equality lookup, yet without the key nobody can
//     test guesses against it, which a plain hash of an 18-digit number with a
//     known structure would allow in seconds.
//
// Both keys are derived with HKDF-SHA256 from one 32-byte node key, under
// different labels, so that neither can be computed from the other. The node
// key lives outside the database, in a file (LoadOrCreateNodeKey) or a
// secret mount, and must be backed up separately: without it every encrypted
// field is lost, and with the database alone nothing can be read.
//
// Ciphertexts start with a version byte so the scheme can change (a new
// algorithm, a rotated key) while old rows stay readable. A random 96-bit
// nonce limits one key to about 2^32 Seals before nonce collisions become a
// concern; that is far above what one node writes, and the version byte is
// the way out if it ever is not.
package cryptox
