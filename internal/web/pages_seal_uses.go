package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/seal"
)

// sealUseFilter is the use log's filter as a form or query gives it: a
// period of days (Asia/Shanghai, both ends included), a purpose and the
// cursor of the page.
type sealUseFilter struct {
	From, To, Purpose, After string
}

func sealUseFilterOf(v url.Values) sealUseFilter {
	return sealUseFilter{From: strings.TrimSpace(v.Get("from")), To: strings.TrimSpace(v.Get("to")),
		Purpose: v.Get("purpose"), After: v.Get("after")}
}

// query turns the filter into a seal.UseQuery; errs.Invalid with the bad
// fields for dates that are no dates, an unknown purpose, a bad cursor.
func (f sealUseFilter) query(sealID ids.ID, limit int) (seal.UseQuery, error) {
	q := seal.UseQuery{SealID: sealID, Purpose: f.Purpose, Limit: limit}
	fe := map[string]string{}
	day := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation("2006-01-02", s, shanghai)
		if err != nil {
			fe[field] = "form.date"
		}
		return d
	}
	q.From = day("from", f.From)
	if to := day("to", f.To); !to.IsZero() {
		q.To = to.AddDate(0, 0, 1) // the whole last day
	}
	if f.Purpose != "" && !slices.Contains(seal.Purposes, f.Purpose) {
		fe["purpose"] = "form.choice"
	}
	c, err := seal.ParseUseCursor(f.After)
	if err != nil {
		fe["after"] = "seal.bad_cursor"
	}
	q.After = c
	if len(fe) > 0 {
		return q, errs.Fields(fe)
	}
	return q, nil
}

// next is the URL query of the page after p ("" on the last page).
func (f sealUseFilter) next(p *seal.UsePage) string {
	if p == nil || p.Next.IsZero() {
		return ""
	}
	v := url.Values{}
	for k, s := range map[string]string{"from": f.From, "to": f.To, "purpose": f.Purpose, "after": p.Next.String()} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return "?" + v.Encode()
}

// sealUsesPage reads one page of the use log for a page: a bad filter
// shows as the form's errors with an empty list, never a 500.
func (s *Server) sealUsesPage(r *http.Request, sealID ids.ID, data map[string]any) (map[string]string, error) {
	f := sealUseFilterOf(r.URL.Query())
	data["UseFilter"], data["Purposes"] = f, seal.Purposes
	q, err := f.query(sealID, 100)
	if e := errs.As(err); e != nil {
		return errorsOf(e), nil
	}
	p, err := s.seals.UsesPage(r.Context(), caller(r), q)
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		return errorsOf(e), nil
	}
	if err != nil {
		return nil, err
	}
	data["Uses"], data["UsesNext"], data["UsesPaged"] = p.Uses, f.next(p), !q.After.IsZero()
	return nil, nil
}

// handleSealUses is every use of every seal within the administrator's
// scope (用印记录), newest first, by period and purpose, a page at a time.
func (s *Server) handleSealUses(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermSealManage, ""); err != nil {
		return err
	}
	data := map[string]any{"AcrossSeals": true}
	fe, err := s.sealUsesPage(r, "", data)
	if err != nil {
		return err
	}
	p := &page{Title: "sealuses.title", Face: identity.FaceWorkbench, Data: data, Form: r.URL.Query()}
	if len(fe) > 0 {
		p.Status, p.Errors = http.StatusUnprocessableEntity, fe
	}
	return s.rd.render(w, r, "seal_uses", p)
}
