package web

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/sensing"
)

// The cockpit's live stream.
//
// Every open cockpit page holds one server-sent-events connection to
// /cockpit/live for its region and metric. Viewers of the same region and
// metric form a group; the hub computes each group's figures once and sends
// the same bytes to all its members, so a thousand screens cost one query
// set per update, not a thousand.
//
// Updates are fed in-process: the sensing service calls Changed after every
// commit of readings or alerts, with the regions they touched, and the hub
// recomputes the groups whose region contains or lies within one of them,
// at most every liveDebounce. Changes made by other instances arrive with
// the periodic refresh (liveRefresh), which also moves the time window on.

const (
	liveDebounce  = 200 * time.Millisecond
	liveRefresh   = 5 * time.Second
	liveHeartbeat = 25 * time.Second
)

// CockpitEventFigures are the events figures of a region for the cockpit
// (一网统管 events engine). The governance domain provides them through
// Deps.CockpitEvents; until it does, the cockpit shows its slot empty.
type CockpitEventFigures struct {
	Today         int     `json:"today"`           // events reported today
	ClosureRate   float64 `json:"closure_rate"`    // today's: of the events reported today, the share closed, 0–1
	ClosureRate30 float64 `json:"closure_rate_30"` // 30 days: of the events reported in the last 30 days, the share closed by now, 0–1
	Overdue       int     `json:"overdue"`         // open past their deadline
	Satisfaction  float64 `json:"satisfaction"`    // satisfied ratings / ratings, 0–1
	// Areas are the same figures for each child region (the map's
	// colours and the drill-down table), in the region tree's order.
	Areas []CockpitEventArea `json:"areas"`
}

// CockpitEventArea is a child region's events figures on the cockpit.
type CockpitEventArea struct {
	Region        region.Code `json:"region"`
	Name          string      `json:"name"`
	Today         int         `json:"today"`
	Overdue       int         `json:"overdue"`
	ClosureRate30 float64     `json:"closure_rate_30"`
	Satisfaction  float64     `json:"satisfaction"`
	Rated         int         `json:"rated"`       // ratings behind Satisfaction
	Reported30    int         `json:"reported_30"` // events behind ClosureRate30
}

// CockpitEventsFunc reads the events figures within a region for a viewer,
// applying the viewer's scope (errs.NotFound outside it).
type CockpitEventsFunc func(ctx context.Context, by *identity.Caller, within region.Code) (*CockpitEventFigures, error)

// liveUpdate is one message of the stream.
type liveUpdate struct {
	Sensing   *sensing.Summary     `json:"sensing"`
	Events    *CockpitEventFigures `json:"events,omitempty"`
	Incidents *int                 `json:"incidents,omitempty"` // active incidents; nil: not the viewer's to see
}

// incidentsFunc counts the active incidents within a region for a viewer
// (emergency.Service.ActiveCount); errs.Forbidden leaves the figure out.
type incidentsFunc func(ctx context.Context, by *identity.Caller, within region.Code) (int, error)

type liveKey struct {
	region region.Code
	metric string
	view   string // which of livePerms the members hold over region (viewOf)
}

// livePerms are the permissions that decide what a viewer of a region may
// see on the stream: the indicators (cockpit.view, sensing.manage), the
// events figures (the event permissions) and the incidents (event.command).
var livePerms = []identity.Permission{identity.PermCockpit, identity.PermSensingManage, identity.PermEventReport,
	identity.PermEventDispatch, identity.PermEventVerify, identity.PermEventSupervise, identity.PermEventCommand,
	identity.PermEventHandle}

// viewOf is the set of livePerms by holds over r, as a string of 0 and 1.
// Members of one group share it, so the bytes computed for one member are
// exactly what every member may see, and a new member can be given the
// group's last update without computing it again.
func viewOf(by *identity.Caller, r region.Code) string {
	b := make([]byte, len(livePerms))
	for i, p := range livePerms {
		b[i] = '0'
		if identity.Authorize(by, p, r) == nil {
			b[i] = '1'
		}
	}
	return string(b)
}

// readsIndicators reports whether a view includes the indicators (the
// sensing summary's own check: cockpit.view or sensing.manage).
func readsIndicators(view string) bool { return len(view) > 1 && (view[0] == '1' || view[1] == '1') }

type liveGroup struct {
	by      *identity.Caller // a member, whose scope covers the region (checked when it joined)
	clients map[*liveClient]struct{}
	last    []byte
}

type liveClient struct {
	ch chan []byte // the latest update not yet written; older ones are dropped
}

type liveHub struct {
	log       *slog.Logger
	sensing   *sensing.Service
	events    CockpitEventsFunc
	incidents incidentsFunc
	creds     liveCreds // re-checks the viewers of open streams

	mu      sync.Mutex
	groups  map[liveKey]*liveGroup
	changed []region.Code
	all     bool
	kick    chan struct{}
}

func newLiveHub(log *slog.Logger, ss *sensing.Service, events CockpitEventsFunc, incidents incidentsFunc, id *identity.Service) *liveHub {
	h := &liveHub{log: log, sensing: ss, events: events, incidents: incidents, creds: liveCreds{id: id},
		groups: map[liveKey]*liveGroup{}, kick: make(chan struct{}, 1)}
	go h.run()
	return h
}

// Changed marks the groups touching regions for recomputation.
func (h *liveHub) Changed(regions []region.Code) {
	h.mu.Lock()
	h.changed = append(h.changed, regions...)
	h.mu.Unlock()
	select {
	case h.kick <- struct{}{}:
	default:
	}
}

// liveCache holds, during one broadcast, the events figures of each
// region: they do not depend on the metric, so the groups of one region
// (one per metric and view) share one computation.
type liveCache struct {
	events map[region.Code]*CockpitEventFigures
}

// update computes the figures of a group's region for by; c (may be nil)
// shares the events figures between groups.
func (h *liveHub) update(ctx context.Context, by *identity.Caller, k liveKey, c *liveCache) ([]byte, error) {
	sum, err := h.sensing.Summary(ctx, by, k.region, k.metric)
	if err != nil {
		return nil, err
	}
	u := liveUpdate{Sensing: sum}
	if h.events != nil {
		if f, ok := c.event(sum.Region); ok {
			u.Events = f
		} else if u.Events, err = h.events(ctx, by, sum.Region); err != nil {
			return nil, err
		} else if c != nil {
			c.events[sum.Region] = u.Events
		}
	}
	if h.incidents != nil {
		n, err := h.incidents(ctx, by, sum.Region)
		if err != nil && !errs.Is(err, errs.Forbidden) {
			return nil, err
		}
		if err == nil {
			u.Incidents = &n
		}
	}
	return json.Marshal(u)
}

func (c *liveCache) event(r region.Code) (*CockpitEventFigures, bool) {
	if c == nil {
		return nil, false
	}
	f, ok := c.events[r]
	return f, ok
}

// join adds a client to its group and returns the first message to send:
// the group's last update when the group exists (its members share the
// client's view of the region, so it is what the client may see), else a
// new computation, which is also the authorization check.
func (h *liveHub) join(ctx context.Context, by *identity.Caller, k liveKey) (*liveClient, []byte, error) {
	k.view = viewOf(by, k.region)
	c := &liveClient{ch: make(chan []byte, 1)}
	h.mu.Lock()
	if g := h.groups[k]; g != nil && readsIndicators(k.view) {
		g.clients[c] = struct{}{}
		first := g.last
		h.mu.Unlock()
		return c, first, nil
	}
	h.mu.Unlock()
	first, err := h.update(ctx, by, k, nil)
	if err != nil {
		return nil, nil, err
	}
	h.mu.Lock()
	g := h.groups[k]
	if g == nil {
		g = &liveGroup{by: by, clients: map[*liveClient]struct{}{}, last: first}
		h.groups[k] = g
	}
	g.clients[c] = struct{}{}
	h.mu.Unlock()
	return c, first, nil
}

func (h *liveHub) leave(k liveKey, c *liveClient) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if g := h.groups[k]; g != nil {
		delete(g.clients, c)
		if len(g.clients) == 0 {
			delete(h.groups, k)
		}
	}
}

// clients counts connected clients (for tests and metrics).
func (h *liveHub) clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, g := range h.groups {
		n += len(g.clients)
	}
	return n
}

func (h *liveHub) run() {
	refresh := time.NewTicker(liveRefresh)
	defer refresh.Stop()
	for {
		select {
		case <-h.kick:
			time.Sleep(liveDebounce) // gather the changes of the next moments too
		case <-refresh.C:
			h.mu.Lock()
			h.all = true
			h.mu.Unlock()
		}
		h.broadcast()
	}
}

// broadcast recomputes the affected groups and sends what changed.
func (h *liveHub) broadcast() {
	h.mu.Lock()
	changed, all := h.changed, h.all
	h.changed, h.all = nil, false
	type job struct {
		k liveKey
		g *liveGroup
	}
	var jobs []job
	for k, g := range h.groups {
		if all || touches(k.region, changed) {
			jobs = append(jobs, job{k, g})
		}
	}
	h.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cache := &liveCache{events: map[region.Code]*CockpitEventFigures{}}
	for _, j := range jobs {
		b, err := h.update(ctx, j.g.by, j.k, cache)
		if err != nil {
			h.log.Warn("cockpit live update", "region", j.k.region, "err", err)
			continue
		}
		h.mu.Lock()
		if bytes.Equal(b, j.g.last) { // nothing new to tell
			h.mu.Unlock()
			continue
		}
		j.g.last = b
		for c := range j.g.clients {
			select { // replace an unsent update with this newer one
			case <-c.ch:
			default:
			}
			c.ch <- b
		}
		h.mu.Unlock()
	}
}

// touches reports whether a group of region r is affected by a change in
// one of cs: r contains it (a city's reading moves the province) or lies
// within it.
func touches(r region.Code, cs []region.Code) bool {
	for _, c := range cs {
		if region.Within(c, r) || region.Within(r, c) {
			return true
		}
	}
	return false
}

// handleCockpitLive is the SSE endpoint: an "indicators" event with the
// figures now, then one whenever they change.
func (s *Server) handleCockpitLive(w http.ResponseWriter, r *http.Request) error {
	if s.live == nil {
		return errs.E(errs.NotFound, "error.page_not_found")
	}
	k := liveKey{region: region.Code(r.URL.Query().Get("region")), metric: r.URL.Query().Get("metric")}
	by := caller(r)
	if k.region == "" || k.metric == "" {
		sum, err := s.sensing.Summary(r.Context(), by, k.region, k.metric)
		if err != nil {
			return err
		}
		k = liveKey{region: sum.Region, metric: sum.Metric}
	}
	k.view = viewOf(by, k.region)
	c, first, err := s.live.join(r.Context(), by, k)
	if err != nil {
		return err
	}
	defer s.live.leave(k, c)
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Time{}) // the server's write timeout would end the stream
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(b []byte) error {
		if _, err := w.Write([]byte("event: indicators\ndata: ")); err != nil {
			return err
		}
		w.Write(b)
		w.Write([]byte("\n\n"))
		return rc.Flush()
	}
	if err := send(first); err != nil {
		return nil
	}
	// The viewer is re-checked every liveRecheck, and before a send when
	// the last check is older (live_recheck.go); the stream ends, saying
	// why, when the viewer may no longer see it.
	cred, checked := credOf(r), time.Now()
	stillViews := func() bool {
		why := s.stillViews(r.Context(), cred, k)
		checked = time.Now()
		if why != "" {
			w.Write([]byte("event: ended\ndata: " + why + "\n\n"))
			rc.Flush()
		}
		return why == ""
	}
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	recheck := time.NewTicker(liveRecheck)
	defer recheck.Stop()
	for {
		select {
		case <-r.Context().Done():
			return nil
		case b := <-c.ch:
			if time.Since(checked) >= liveRecheck && !stillViews() {
				return nil
			}
			if err := send(b); err != nil {
				return nil
			}
		case <-recheck.C:
			if !stillViews() {
				return nil
			}
		case <-beat.C:
			if !stillViews() {
				return nil
			}
			if _, err := w.Write([]byte(": keep-alive\n\n")); err != nil || rc.Flush() != nil {
				return nil
			}
		}
	}
}
