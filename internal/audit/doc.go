// Package audit keeps digigov's audit log: an append-only record of every
// change of state and of every time a member of staff reads a person's data.
//
// The log is a hash chain. Each entry carries the hash of the entry before
// it, and its own hash covers all its fields plus that previous hash, so
// editing, deleting or reordering any entry breaks every link after it.
// Verify walks the chain and names the first entry whose hash no longer
// matches. Entries are appended in the same database transaction as the
// change they describe: either both are written or neither is.
//
// Because the entry names the person whose data was concerned (SubjectID), a
// citizen can list who used their data and why.
//
// audit sits below identity in the dependency order (region → audit →
// identity → …): identity's own changes (accounts, grants, sign-ins) must be
// audited in their transactions, so audit cannot depend on identity. It
// describes the callers it needs with the small Actor interface instead.
package audit
