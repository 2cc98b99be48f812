package web

import (
	"encoding/xml"
	"net/http"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/emergency"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// absolute is the address of path on the host the request came to.
func absolute(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

// handlePublicAlerts is the public page of the alerts in force (no
// sign-in): large type, one card per alert, the all-clears last.
func (s *Server) handlePublicAlerts(w http.ResponseWriter, r *http.Request) error {
	list, err := s.emergency.CurrentAlerts(r.Context(), 100)
	if err != nil {
		return err
	}
	var live, clear []emergency.Alert
	for _, a := range list {
		if a.MsgType == emergency.MsgCancel {
			clear = append(clear, a)
		} else {
			live = append(live, a)
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=30")
	return s.rd.render(w, r, "emergency_alerts", &page{Title: "emergency.public_title", Face: identity.FacePortal,
		Data: map[string]any{"Alerts": live, "Cleared": clear}})
}

// handleAlertCAP serves one alert message as CAP 1.2 XML at
// /alerts/{identifier}.xml.
func (s *Server) handleAlertCAP(w http.ResponseWriter, r *http.Request) error {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".xml")
	if !ok {
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	a, err := s.emergency.PublicAlert(r.Context(), ids.ID(id))
	if err != nil {
		return err
	}
	b, err := a.MarshalCAP(absolute(r, "/alerts#a-"+string(a.ID)))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/cap+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300") // an issued message never changes
	w.Write(b)
	return nil
}

// atomFeed is an Atom (RFC 4287) feed of the alerts in force, each entry
// linking to its CAP message, as CAP aggregators read them.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID       string     `xml:"id"`
	Title    string     `xml:"title"`
	Updated  string     `xml:"updated"`
	Summary  string     `xml:"summary"`
	Category []atomCat  `xml:"category"`
	Link     []atomLink `xml:"link"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

// handleAlertFeed serves the Atom feed of the alerts in force.
func (s *Server) handleAlertFeed(w http.ResponseWriter, r *http.Request) error {
	list, err := s.emergency.CurrentAlerts(r.Context(), 100)
	if err != nil {
		return err
	}
	lang := state(r.Context()).Lang
	f := atomFeed{ID: absolute(r, "/alerts/feed.xml"), Title: s.msgs.T(lang, "emergency.public_title"),
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Author: atomPerson{Name: s.msgs.T(lang, "emergency.feed_author")},
		Link: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: absolute(r, "/alerts/feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: absolute(r, "/alerts")}}}
	for i, a := range list {
		if i == 0 {
			f.Updated = a.Sent.UTC().Format(time.RFC3339)
		}
		f.Entries = append(f.Entries, atomEntry{ID: "urn:uuid:" + string(a.ID), Title: a.Headline,
			Updated: a.Sent.UTC().Format(time.RFC3339), Summary: a.Description,
			Category: []atomCat{{Term: a.MsgType}, {Term: a.Grade.Severity()}},
			Link:     []atomLink{{Rel: "alternate", Type: "application/cap+xml", Href: absolute(r, "/alerts/"+string(a.ID)+".xml")}}})
	}
	b, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=30")
	w.Write([]byte(xml.Header))
	w.Write(b)
	return nil
}
