package notify

import (
	"time"

	"github.com/digigov/digigov/internal/platform/i18n"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Notification is one entry of a person's inbox.
type Notification struct {
	ID        ids.ID
	UserID    ids.ID   // whose inbox
	EventID   ids.ID   // the outbox event it came from ("" if none)
	Topic     string   // the event's topic, "cases.accept"
	Title     string   // message key of the title, a short text without arguments
	Body      string   // message key of the body
	Args      []string // arguments of the body, in order
	Link      string   // a path on this site ("/cases/{id}")
	Urgent    bool     // the person must act (a correction request)
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Unread reports whether n has not been read.
func (n *Notification) Unread() bool { return n.ReadAt.IsZero() }

// Render returns n's title and body in lang.
func (n *Notification) Render(msgs *i18n.Catalog, lang string) (title, body string) {
	args := make([]any, len(n.Args))
	for i, a := range n.Args {
		args[i] = a
	}
	return msgs.T(lang, n.Title), msgs.T(lang, n.Body, args...)
}
