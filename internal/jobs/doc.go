// Package jobs runs digigov's background work. Its first part is the outbox
// dispatcher.
//
// Every state change a service makes writes, in the same transaction, an
// event row to the outbox table ("cases.accept" with the case's number,
// applicant, …). The Dispatcher reads those rows after they commit and
// hands each to the handlers registered for its topic prefix
// (Handle("cases.", fn)): the notification service writes an applicant's
// inbox entry, later a KPI roll-up or a delivery to another node.
//
// Exactly once. The dispatcher claims a batch of due rows in one
// transaction and runs each row's handlers inside a savepoint of that
// transaction, carrying it in the context, so a handler's writes (an inbox
// entry) and the row's processed mark commit together or not at all. A
// handler that fails has its writes undone by the savepoint; the row keeps
// an attempt count and the last error and is tried again after a backoff,
// and after MaxAttempts it is marked failed and left for an operator. Side
// effects outside the database (an e-mail) are registered with AfterCommit
// and run once the batch committed: at most once, never inside the lock.
//
// Several instances. On PostgreSQL rows are claimed with SELECT … FOR
// UPDATE SKIP LOCKED, so any number of `digigov serve` instances can run a
// dispatcher: each takes rows no other holds. On SQLite the single writer
// serialises claimers.
//
// Topics without a handler in this binary are not claimed: they stay in
// the table, unprocessed, until a version that handles them runs.
package jobs
