// Package notify tells people what happened to their affairs.
//
// Each person has an inbox (消息): a notification is written there when
// something that concerns them happens — their application was submitted,
// accepted, sent back for correction (urgent: the case's clock has stopped
// and they must act), approved or denied, completed, rejected, forwarded.
// The inbox is the record; it is written in the same transaction that marks
// the triggering outbox event processed (see internal/jobs), so each event
// notifies each person exactly once.
//
// A notification stores message keys and their arguments, not text, and is
// rendered in the reader's language when read (Notification.Render). After
// the inbox entry has committed, a Sender may also carry the message
// outside: LogSender (the default) writes one log line with the user ID and
// the title only; SMTPSender mails it when a Directory knows the person's
// address. Accounts have no e-mail address yet, so the default Directory
// knows none and SMTPSender sends nothing — the design leaves the place for
// it. Delivery outside the inbox is best effort: at most once.
package notify
