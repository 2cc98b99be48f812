package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/digigov/digigov/internal/notify"
	"github.com/digigov/digigov/internal/platform/ids"
)

// inboxRow is a notification rendered in the reader's language.
type inboxRow struct {
	notify.Notification
	TitleText, BodyText string
}

func (s *Server) inboxRows(lang string, list []notify.Notification) []inboxRow {
	out := make([]inboxRow, len(list))
	for i := range list {
		out[i].Notification = list[i]
		out[i].TitleText, out[i].BodyText = list[i].Render(s.msgs, lang)
	}
	return out
}

// handleInbox lists the signed-in person's notifications, newest first,
// unread ones in bold (我的消息).
func (s *Server) handleInbox(w http.ResponseWriter, r *http.Request) error {
	list, err := s.notify.List(r.Context(), caller(r), notify.Query{Limit: 100})
	if err != nil {
		return err
	}
	unread := 0
	for i := range list {
		if list[i].Unread() {
			unread++
		}
	}
	return s.rd.render(w, r, "inbox", &page{Title: "inbox.title", Data: map[string]any{
		"Items": s.inboxRows(state(r.Context()).Lang, list), "Unread": unread,
	}})
}

// handleInboxOpen marks a notification read and follows its link.
func (s *Server) handleInboxOpen(w http.ResponseWriter, r *http.Request) error {
	n, err := s.notify.Open(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	next := "/inbox"
	if n.Link != "" {
		next = safeNext(n.Link)
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// handleInboxReadAll marks every notification read (全部已读).
func (s *Server) handleInboxReadAll(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.notify.ReadAll(r.Context(), caller(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/inbox", http.StatusSeeOther)
	return nil
}

// unreadBadge is the header's unread count for the page's caller: "" for
// none (and for visitors), "99+" past notify.MaxBadge-1. One indexed
// query. Templates have no request context, so the query gets its own
// short deadline; a failure shows no badge rather than breaking the page.
func (s *Server) unreadBadge(st *reqState) string {
	if st.Caller.Anonymous() {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	n, err := s.notify.Unread(ctx, st.Caller)
	if err != nil {
		s.log.Warn("unread badge", "request_id", st.ID, "err", err)
		return ""
	}
	switch {
	case n <= 0:
		return ""
	case n >= notify.MaxBadge:
		return strconv.Itoa(notify.MaxBadge-1) + "+"
	}
	return strconv.Itoa(n)
}

// Unread is the header's unread badge ("" for none).
func (p *page) Unread() string {
	if p.rd.unread == nil {
		return ""
	}
	return p.rd.unread(p.st)
}
