package datashare

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// Outcome is how an exchange call ended.
type Outcome string

const (
	OutcomeOK            Outcome = "ok"
	OutcomeNoCredential  Outcome = "no_credential"      // no credential sent
	OutcomeBadCredential Outcome = "unknown_credential" // no grant has it
	OutcomeNotDelivered  Outcome = "not_delivered"
	OutcomeExpired       Outcome = "expired"
	OutcomeRevoked       Outcome = "revoked"
	OutcomeWrongResource Outcome = "wrong_resource" // the grant is for another resource
	OutcomeFields        Outcome = "fields_not_granted"
	OutcomeRateLimited   Outcome = "rate_limited"
	OutcomeBadRequest    Outcome = "bad_request"
)

// statusOf is the HTTP status an outcome is answered with.
var statusOf = map[Outcome]int{
	OutcomeOK: http.StatusOK, OutcomeNoCredential: http.StatusUnauthorized, OutcomeBadCredential: http.StatusUnauthorized,
	OutcomeNotDelivered: http.StatusForbidden, OutcomeExpired: http.StatusForbidden, OutcomeRevoked: http.StatusForbidden,
	OutcomeWrongResource: http.StatusForbidden, OutcomeFields: http.StatusForbidden,
	OutcomeRateLimited: http.StatusTooManyRequests, OutcomeBadRequest: http.StatusBadRequest,
}

// MaxPage bounds the rows of one exchange call.
const MaxPage = 1000

// LogEntry is one exchange call in the message log.
type LogEntry struct {
	Seq          int64
	ID           ids.ID
	At           time.Time
	GrantID      ids.ID // "" when no grant was found
	ConsumerID   ids.ID
	ProviderID   ids.ID
	ResourceCode string
	Caller       string // the consuming body's name, or the client address when unknown
	RequestHash  string // SHA-256 of the canonical request (see CanonicalRequest)
	ResponseHash string // SHA-256 of the response body as sent
	Outcome      Outcome
	Status       int
	Rows         int
	PrevHash     string
	Hash         string
	Signature    string // Ed25519 over Hash's bytes, base64
}

// GenesisHash is the PrevHash of the first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash is the SHA-256 of the entry's content and its link.
func (e *LogEntry) ComputeHash() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s\n%d\n%d\n%s",
		e.Seq, e.ID, e.At.UTC().Format(time.RFC3339Nano), e.GrantID, e.ConsumerID, e.ProviderID, e.ResourceCode,
		e.Caller, e.RequestHash, e.ResponseHash, e.Outcome, e.Status, e.Rows, e.PrevHash)
	h := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(h[:])
}

// VerifySignature checks the entry's signature with pub.
func (e *LogEntry) VerifySignature(pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(e.Signature)
	h, err2 := hex.DecodeString(e.Hash)
	return err == nil && err2 == nil && ed25519.Verify(pub, h, sig)
}

// seal sets the entry's hash and signature (its Seq and PrevHash are set).
func (s *Service) seal(e *LogEntry) {
	e.Hash = e.ComputeHash()
	h, _ := hex.DecodeString(e.Hash)
	e.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(s.key, h))
}

// LogFilter selects log entries.
type LogFilter struct {
	OrgIDs  []ids.ID // entries whose provider or consumer is one of these
	GrantID ids.ID   // or of this grant
	Limit   int
}

// CallInput is one exchange call.
type CallInput struct {
	Credential   string
	ResourceCode string
	Fields       []string // empty: every granted field
	Start, Rows  int
	Client       string              // the client's address, logged when the caller is unknown
	Say          func(string) string // translates a message key for the refusal's sentence; nil: the key
}

// CanonicalRequest is the text whose SHA-256 is a call's request hash:
// method, path and the query with fields, start and rows in that order.
func CanonicalRequest(code string, fields []string, start, rows int) string {
	return "GET /exchange/v1/resources/" + url.PathEscape(code) + "/rows?fields=" + url.QueryEscape(strings.Join(fields, ",")) +
		"&start=" + strconv.Itoa(start) + "&rows=" + strconv.Itoa(rows)
}

// CallResult is the answer to an exchange call: the status and body to
// send as they are (their hash is in the log), and the log entry.
type CallResult struct {
	Status int
	Body   []byte
	Entry  *LogEntry
}

// page is the body of a served call.
type exchangePage struct {
	Resource      string           `json:"resource"`
	SchemaVersion int              `json:"schema_version"`
	Fields        []string         `json:"fields"`
	Masked        []string         `json:"masked,omitempty"`
	Start         int              `json:"start"`
	Rows          int              `json:"rows"`
	Total         int              `json:"total"`
	Next          *int             `json:"next,omitempty"`
	Data          []map[string]any `json:"data"`
	ExpiresAt     time.Time        `json:"grant_expires_at"`
}

type exchangeRefusal struct {
	Outcome Outcome `json:"outcome"`
	Message string  `json:"message"`
}

// Call serves one exchange call and writes it to the message log, whatever
// its outcome: only the granted fields, sensitive ones masked, rows from
// in.Start, at most in.Rows (1–MaxPage, default 100). Refusals are answered
// with their status and a JSON body {outcome, message}. The error is for
// failures of the node itself (the log could not be written): nothing is
// served then.
func (s *Service) Call(ctx context.Context, in CallInput) (*CallResult, error) {
	if in.Rows == 0 {
		in.Rows = 100
	}
	now := s.clock()
	e := &LogEntry{ID: ids.New(), At: now, ResourceCode: in.ResourceCode, Caller: in.Client,
		RequestHash: sha256Hex([]byte(CanonicalRequest(in.ResourceCode, in.Fields, in.Start, in.Rows)))}
	body, err := s.serve(ctx, in, e, now)
	if err != nil {
		return nil, err
	}
	if e.Outcome != OutcomeOK {
		say := in.Say
		if say == nil {
			say = func(k string) string { return k }
		}
		body, _ = json.Marshal(exchangeRefusal{Outcome: e.Outcome, Message: say("datashare.exchange." + string(e.Outcome))})
	}
	e.Status, e.ResponseHash = statusOf[e.Outcome], sha256Hex(body)
	if err := s.appendLog(ctx, e); err != nil {
		return nil, err
	}
	return &CallResult{Status: e.Status, Body: body, Entry: e}, nil
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// serve checks the call and reads its rows; it sets e's outcome and
// parties and returns the body of a served call.
func (s *Service) serve(ctx context.Context, in CallInput, e *LogEntry, now time.Time) ([]byte, error) {
	r, ok := s.codes.get(in.ResourceCode, now)
	if !ok {
		var err error
		r, err = s.store.ResourceByCode(ctx, in.ResourceCode)
		switch {
		case err == nil:
			s.codes.put(in.ResourceCode, r, now)
		case !errs.Is(err, errs.NotFound):
			return nil, err
		}
	}
	if r != nil {
		e.ProviderID = r.ProviderID
	}
	if in.Credential == "" {
		e.Outcome = OutcomeNoCredential
		return nil, nil
	}
	hash := hashSecret(in.Credential)
	g, ok := s.grants.get(hash, now)
	if !ok {
		var err error
		g, err = s.store.GrantBySecret(ctx, hash)
		if errs.Is(err, errs.NotFound) {
			e.Outcome = OutcomeBadCredential
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		s.grants.put(hash, g, now)
	}
	e.GrantID, e.ConsumerID, e.Caller = g.ID, g.ConsumerID, g.Consumer
	switch {
	case g.State == Revoked:
		e.Outcome = OutcomeRevoked
	case g.State != Delivered:
		e.Outcome = OutcomeNotDelivered
	case !now.Before(g.ExpiresAt):
		e.Outcome = OutcomeExpired
	case r == nil || r.ID != g.ResourceID:
		e.Outcome = OutcomeWrongResource
	case in.Start < 0 || in.Rows < 1 || in.Rows > MaxPage:
		e.Outcome = OutcomeBadRequest
	}
	if e.Outcome != "" {
		return nil, nil
	}
	fields := in.Fields
	if len(fields) == 0 {
		fields = g.Fields
	}
	for _, f := range fields {
		if !slices.Contains(g.Fields, f) {
			e.Outcome = OutcomeFields
			return nil, nil
		}
	}
	if !s.limits.allow(g.ID, g.RatePerSec, now) {
		e.Outcome = OutcomeRateLimited
		return nil, nil
	}
	rows, err := s.store.Rows(ctx, r.ID, in.Start, in.Rows)
	if err != nil {
		return nil, err
	}
	out := exchangePage{Resource: r.Code, SchemaVersion: r.SchemaVersion, Fields: fields, Start: in.Start, Rows: len(rows),
		Total: r.RowCount, Data: make([]map[string]any, len(rows)), ExpiresAt: g.ExpiresAt}
	defs := make([]Field, len(fields))
	for i, name := range fields {
		defs[i], _ = r.Field(name) // a field dropped from the schema since the grant serves nulls
		if defs[i].Sensitivity == Sensitive {
			out.Masked = append(out.Masked, name)
		}
	}
	for i, row := range rows {
		m := make(map[string]any, len(fields))
		for j, name := range fields {
			v := row[name]
			if defs[j].Sensitivity == Sensitive && v != "" {
				m[name] = Mask(v)
			} else {
				m[name] = typed(defs[j].Type, v)
			}
		}
		out.Data[i] = m
	}
	if next := in.Start + len(rows); len(rows) == in.Rows && next < r.RowCount {
		out.Next = &next
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(out); err != nil {
		return nil, err
	}
	e.Outcome, e.Rows = OutcomeOK, len(rows)
	return buf.Bytes(), nil
}

// logBatcher writes log entries of concurrent calls together: one
// transaction, one read and one update of the head, a few multi-row
// inserts. The first caller to find no write under way writes everything
// pending; the others wait for their entry's outcome. No goroutine lives
// between calls.
type logBatcher struct {
	mu       sync.Mutex
	pending  []*logRequest
	flushing bool
}

type logRequest struct {
	e    *LogEntry
	done chan error
}

// maxLogBatch bounds the entries of one transaction.
const maxLogBatch = 512

// appendLog writes e to the message log and returns once it is committed
// (a call is answered only after its entry is on record).
func (s *Service) appendLog(ctx context.Context, e *LogEntry) error {
	r := &logRequest{e: e, done: make(chan error, 1)}
	b := &s.log
	b.mu.Lock()
	b.pending = append(b.pending, r)
	if b.flushing {
		b.mu.Unlock()
		return <-r.done
	}
	b.flushing = true
	b.mu.Unlock()
	s.flushLog(context.WithoutCancel(ctx))
	return <-r.done
}

// flushLog writes one batch of pending entries; if more are pending after
// it, another goroutine takes over, so that this caller is answered.
func (s *Service) flushLog(ctx context.Context) {
	b := &s.log
	b.mu.Lock()
	n := min(len(b.pending), maxLogBatch)
	batch := slices.Clone(b.pending[:n])
	b.pending = b.pending[n:]
	b.mu.Unlock()
	entries := make([]*LogEntry, len(batch))
	for i, r := range batch {
		entries[i] = r.e
	}
	err := s.tx.Transact(ctx, func(ctx context.Context) error { return s.store.AppendExchange(ctx, entries, s.seal) })
	for _, r := range batch {
		r.done <- err
	}
	b.mu.Lock()
	if len(b.pending) == 0 {
		b.flushing = false
		b.mu.Unlock()
		return
	}
	b.mu.Unlock()
	go s.flushLog(ctx)
}

// limiter is a token bucket per grant. It lives in the node's memory: with
// several instances each enforces the rate on the calls it serves, which
// bounds a grant at (instances × rate); the log records every call wherever
// it was served.
type limiter struct {
	mu      sync.Mutex
	buckets map[ids.ID]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter() *limiter { return &limiter{buckets: map[ids.ID]*bucket{}} }

// allow takes a token from the grant's bucket of capacity rate (refilled
// at rate per second), reporting false if it is empty.
func (l *limiter) allow(id ids.ID, rate int, now time.Time) bool {
	if rate <= 0 {
		rate = DefaultRate
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[id]
	if b == nil {
		if len(l.buckets) > 100_000 { // forget idle grants rather than grow without bound
			clear(l.buckets)
		}
		b = &bucket{tokens: float64(rate), last: now}
		l.buckets[id] = b
	}
	b.tokens = min(float64(rate), b.tokens+now.Sub(b.last).Seconds()*float64(rate))
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// pageSize bounds a list of log entries: 100 unless 1–500 is asked for.
func pageSize(limit int) int {
	if limit <= 0 || limit > 500 {
		return 100
	}
	return limit
}

// VerifyResult is the outcome of checking the message log.
type VerifyResult struct {
	Checked  int64  `json:"checked"` // entries walked by this check
	Through  int64  `json:"through"` // the log is verified from its first entry through this one
	Full     bool   `json:"full"`    // this check walked the whole log
	Yours    int64  `json:"yours"`   // entries of the checking party
	BrokenAt int64  `json:"broken_at,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// OK reports whether the log is intact as far as it was checked.
func (v VerifyResult) OK() bool { return v.BrokenAt == 0 }

// checkpoint is the last entry this node verified with everything before
// it, so that a check walks only the entries appended since. A full check
// starts from the first entry again.
type checkpoint struct {
	mu   sync.Mutex
	seq  int64
	hash string
}

// verify checks the chain's links, hashes and signatures: from the last
// verified entry on, or from the first when full is set. yours counts the
// checking party's entries.
func (s *Service) verify(ctx context.Context, full bool, yours LogFilter) (VerifyResult, error) {
	cp := &s.checked
	cp.mu.Lock() // one check at a time: they would walk the same entries
	defer cp.mu.Unlock()
	res := VerifyResult{Full: full || cp.seq == 0}
	prev, want, pub := GenesisHash, int64(1), s.PublicKey()
	if !res.Full {
		prev, want = cp.hash, cp.seq+1
	}
	err := s.store.ExchangeChain(ctx, want-1, func(e *LogEntry) error {
		res.Checked++
		switch {
		case e.Seq != want:
			res.BrokenAt, res.Reason = e.Seq, "sequence gap"
		case e.PrevHash != prev:
			res.BrokenAt, res.Reason = e.Seq, "link to the previous entry does not match"
		case e.ComputeHash() != e.Hash:
			res.BrokenAt, res.Reason = e.Seq, "contents do not match the entry's hash"
		case !e.VerifySignature(pub):
			res.BrokenAt, res.Reason = e.Seq, "signature does not verify"
		}
		if res.BrokenAt != 0 {
			return errStop
		}
		prev, want = e.Hash, want+1
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return res, err
	}
	res.Through = want - 1
	if res.OK() {
		cp.seq, cp.hash = res.Through, prev
	}
	if res.Yours, err = s.store.CountExchange(ctx, yours); err != nil {
		return res, err
	}
	return res, nil
}

var errStop = errors.New("stop")

// orgsOf lists the bodies whose log entries by may read: where it is CDO
// or may request data.
func orgsOf(by *identity.Caller) []ids.ID {
	var out []ids.ID
	for _, g := range by.Grants {
		if (g.Role.Allows(identity.PermDataManage) || g.Role.Allows(identity.PermDataRequest)) && !slices.Contains(out, g.OrgID) {
			out = append(out, g.OrgID)
		}
	}
	return out
}

func involves(e *LogEntry, orgs []ids.ID) bool {
	return slices.Contains(orgs, e.ProviderID) || e.ConsumerID != "" && slices.Contains(orgs, e.ConsumerID)
}

// ExchangeLog lists the log entries of the bodies of by (as provider or
// consumer), newest first, and checks the chain (all of it when full is
// set, else the entries appended since this node's last check).
func (s *Service) ExchangeLog(ctx context.Context, by *identity.Caller, limit int, full bool) ([]LogEntry, VerifyResult, error) {
	if err := canBrowse(by); err != nil {
		return nil, VerifyResult{}, err
	}
	orgs := orgsOf(by)
	list, err := s.store.ExchangeEntries(ctx, LogFilter{OrgIDs: orgs, Limit: pageSize(limit)})
	if err != nil {
		return nil, VerifyResult{}, err
	}
	v, err := s.verify(ctx, full, LogFilter{OrgIDs: orgs})
	return list, v, err
}

// grantOf returns the grant a credential names; errs.Unauthenticated if none.
func (s *Service) grantOf(ctx context.Context, credential string) (*Grant, error) {
	if credential == "" {
		return nil, errs.E(errs.Unauthenticated, "datashare.exchange.no_credential")
	}
	g, err := s.store.GrantBySecret(ctx, hashSecret(credential))
	if errs.Is(err, errs.NotFound) {
		return nil, errs.E(errs.Unauthenticated, "datashare.exchange.unknown_credential")
	}
	return g, err
}

// GrantLog lists, for the holder of a credential, its grant's entries,
// newest first, and checks the chain as ExchangeLog does. It works after expiry and
// revocation too: the consumer may always check what was logged.
func (s *Service) GrantLog(ctx context.Context, credential string, limit int, full bool) ([]LogEntry, VerifyResult, error) {
	g, err := s.grantOf(ctx, credential)
	if err != nil {
		return nil, VerifyResult{}, err
	}
	list, err := s.store.ExchangeEntries(ctx, LogFilter{GrantID: g.ID, Limit: pageSize(limit)})
	if err != nil {
		return nil, VerifyResult{}, err
	}
	v, err := s.verify(ctx, full, LogFilter{GrantID: g.ID})
	return list, v, err
}

// LogEntryFor returns one entry to a party of it: the holder of its
// grant's credential (credential != ""), or staff of its provider or
// consumer (by). errs.NotFound for anyone else.
func (s *Service) LogEntryFor(ctx context.Context, by *identity.Caller, credential string, id ids.ID) (*LogEntry, error) {
	e, err := s.store.ExchangeEntry(ctx, id)
	if err != nil {
		return nil, err
	}
	if credential != "" {
		g, err := s.grantOf(ctx, credential)
		if err != nil {
			return nil, err
		}
		if e.GrantID == g.ID {
			return e, nil
		}
	} else if canBrowse(by) == nil && involves(e, orgsOf(by)) {
		return e, nil
	}
	return nil, errs.E(errs.NotFound, "datashare.log.not_found")
}
