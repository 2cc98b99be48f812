// Package cases handles applications (办件): a citizen or an enterprise
// applies for a service item, and the competent authority receives,
// accepts, reviews and decides it.
//
// A case moves through a small state machine (workflow.go). Every move is a
// transition with an actor, a time and a comment; it is written together
// with the case, its audit entry and an outbox event in one transaction, and
// it succeeds only if the case has not changed since the actor loaded it
// (two officers acting at once: exactly one wins).
//
// Where a case is received (收件地) and where it is decided (办理地) may
// differ: a counter in one city can receive an application for an
// authority in another (异地代收) and forward it. Routing sits behind one
// function (route.go) so that cross-province hand-off can join it later.
//
// The time limit is counted in working days from acceptance (the
// workday calendar), and stops while the applicant corrects their
// materials (补齐补正).
package cases
