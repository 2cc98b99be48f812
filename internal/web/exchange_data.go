package web

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/datashare"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// exchangeCredentialHeader carries a grant's credential on exchange calls.
// It is not the Authorization header, which carries users' API tokens.
const exchangeCredentialHeader = "X-Exchange-Credential"

func (s *Server) datashareNow() time.Time { return time.Now().UTC() }

// exchangeKeyText is the message log's public key as PEM (SPKI).
func (s *Server) exchangeKeyText() string {
	der, err := x509.MarshalPKIXPublicKey(s.datashare.PublicKey())
	if err != nil {
		return ""
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// clientAddr is the caller's address without its port, for the log.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// handleExchangeRows serves a grant's rows. Every call, refused or served,
// is in the message log; X-Exchange-Log-Id names its entry and
// X-Exchange-Response-Hash the body's SHA-256 as logged.
func (s *Server) handleExchangeRows() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		in := datashare.CallInput{Credential: r.Header.Get(exchangeCredentialHeader), ResourceCode: r.PathValue("code"),
			Client: clientAddr(r), Say: func(k string) string { return s.msgs.T(state(r.Context()).Lang, k) }}
		if f := strings.TrimSpace(q.Get("fields")); f != "" {
			in.Fields = strings.Split(f, ",")
		}
		var bad bool
		if v := q.Get("start"); v != "" {
			n, err := strconv.Atoi(v)
			in.Start, bad = n, bad || err != nil
		}
		if v := q.Get("rows"); v != "" {
			n, err := strconv.Atoi(v)
			in.Rows, bad = n, bad || err != nil
		}
		if bad {
			in.Start, in.Rows = -1, -1 // refused and logged as a bad request
		}
		res, err := s.datashare.Call(r.Context(), in)
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Exchange-Log-Id", string(res.Entry.ID))
		h.Set("X-Exchange-Response-Hash", res.Entry.ResponseHash)
		w.WriteHeader(res.Status)
		w.Write(res.Body)
	})
}

// exchangeEntryBody is a message log entry as parties read it.
type exchangeEntryBody struct {
	Seq          int64     `json:"seq"`
	ID           string    `json:"id"`
	At           time.Time `json:"at"`
	GrantID      string    `json:"grant_id,omitempty"`
	ConsumerID   string    `json:"consumer_id,omitempty"`
	ProviderID   string    `json:"provider_id,omitempty"`
	Resource     string    `json:"resource"`
	Caller       string    `json:"caller"`
	RequestHash  string    `json:"request_hash"`
	ResponseHash string    `json:"response_hash"`
	Outcome      string    `json:"outcome"`
	Status       int       `json:"status"`
	Rows         int       `json:"rows"`
	PrevHash     string    `json:"prev_hash"`
	Hash         string    `json:"hash"`
	Signature    string    `json:"signature"`
	Valid        bool      `json:"valid" doc:"hash and signature check against the node key"`
}

func (s *Server) exchangeEntryOf(e *datashare.LogEntry) exchangeEntryBody {
	return exchangeEntryBody{Seq: e.Seq, ID: string(e.ID), At: e.At, GrantID: string(e.GrantID), ConsumerID: string(e.ConsumerID),
		ProviderID: string(e.ProviderID), Resource: e.ResourceCode, Caller: e.Caller, RequestHash: e.RequestHash,
		ResponseHash: e.ResponseHash, Outcome: string(e.Outcome), Status: e.Status, Rows: e.Rows, PrevHash: e.PrevHash,
		Hash: e.Hash, Signature: e.Signature, Valid: e.ComputeHash() == e.Hash && e.VerifySignature(s.datashare.PublicKey())}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// handleExchangeLog lists the caller's log entries with the check of the
// whole chain: a credential holder sees its grant's entries; staff of a
// provider or consumer (signed in, or by API token) see their bodies'.
func (s *Server) handleExchangeLog() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		full := r.URL.Query().Get("full") == "1"
		var list []datashare.LogEntry
		var v datashare.VerifyResult
		var err error
		if cred := r.Header.Get(exchangeCredentialHeader); cred != "" {
			list, v, err = s.datashare.GrantLog(r.Context(), cred, limit, full)
		} else {
			list, v, err = s.datashare.ExchangeLog(r.Context(), caller(r), limit, full)
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		out := struct {
			Verify  datashare.VerifyResult `json:"verify"`
			OK      bool                   `json:"ok"`
			Entries []exchangeEntryBody    `json:"entries"`
		}{Verify: v, OK: v.OK(), Entries: []exchangeEntryBody{}}
		for i := range list {
			out.Entries = append(out.Entries, s.exchangeEntryOf(&list[i]))
		}
		writeJSON(w, http.StatusOK, out)
	})
}

func (s *Server) handleExchangeLogEntry() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, err := s.datashare.LogEntryFor(r.Context(), caller(r), r.Header.Get(exchangeCredentialHeader), ids.ID(r.PathValue("id")))
		if errs.Is(err, errs.NotFound) {
			err = errs.E(errs.NotFound, "datashare.log.not_found")
		}
		if err != nil {
			s.writeProblem(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, s.exchangeEntryOf(e))
	})
}

// handleExchangeNodeKey publishes the key that checks the log's signatures.
func (s *Server) handleExchangeNodeKey() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Write([]byte(s.exchangeKeyText()))
	})
}
