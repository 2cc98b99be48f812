package notify

import (
	"context"
	"log/slog"

	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Message is a notification rendered for delivery outside the inbox.
type Message struct {
	NotificationID ids.ID
	UserID         ids.ID
	To             string // e-mail address; "" when none is known (SMTPSender then sends nothing)
	Title          string // rendered in the recipient's language
	Body           string
	Link           string // path on this site
	Urgent         bool
}

// Sender carries a message outside the inbox. Send is called after the
// inbox entry has committed, outside any transaction; an error is logged,
// not retried (the inbox already holds the notification).
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Recipient is where and how a person is reached outside the inbox.
type Recipient struct {
	Email  string // "" when unknown
	Locale string // language of messages; "" for zh-CN
}

// Directory resolves a user to a Recipient. Accounts carry no e-mail
// address yet; a Directory that returns an empty Recipient is valid and
// means "inbox only".
type Directory interface {
	Recipient(ctx context.Context, userID ids.ID) (Recipient, error)
}

type noDirectory struct{}

func (noDirectory) Recipient(context.Context, ids.ID) (Recipient, error) { return Recipient{}, nil }

// LogSender writes one log line per message: the notification and user
// IDs and the title — never the body, an address, an ID number or a phone.
// Titles are built from case numbers and item names only.
type LogSender struct{ Log *slog.Logger }

// Send logs m.
func (s LogSender) Send(ctx context.Context, m Message) error {
	s.Log.InfoContext(ctx, "notification", "notification_id", m.NotificationID, "user", m.UserID,
		"title", m.Title, "urgent", m.Urgent, "email", m.To != "")
	return nil
}

// Deliver hands notifications that have committed to the Sender, each
// rendered in its recipient's language. Failures are logged with the
// notification's ID and do not stop the others.
func (s *Service) Deliver(ctx context.Context, list []Notification) {
	for i := range list {
		n := &list[i]
		r, err := s.dir.Recipient(ctx, n.UserID)
		if err != nil {
			s.log.Warn("notification: recipient lookup failed", "notification_id", n.ID, "user", n.UserID, "err", err)
			continue
		}
		lang := i18n.Match(r.Locale)
		if lang == "" {
			lang = i18n.ZhCN
		}
		title, body := n.Render(s.msgs, lang)
		m := Message{NotificationID: n.ID, UserID: n.UserID, To: r.Email, Title: title, Body: body, Link: n.Link, Urgent: n.Urgent}
		if err := s.sender.Send(ctx, m); err != nil {
			s.log.Warn("notification: sending failed", "notification_id", n.ID, "user", n.UserID, "err", err)
		}
	}
}
