package license

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/seal"
)

// remoteNode is another province's node serving one status list, with the
// keys its trust list gave us.
type remoteNode struct {
	t       *testing.T
	srv     *httptest.Server
	hits    atomic.Int32
	sg      seal.Signer
	body    func(url string) (int, string, string) // status, Cache-Control, body
	trusted map[string]*TrustedKey
	now     time.Time
	r       *remoteStatuses
}

func newRemoteNode(t *testing.T) *remoteNode {
	n := &remoteNode{t: t, trusted: map[string]*TrustedKey{}, now: t0}
	sg, _, err := seal.GenerateKey(seal.EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	n.sg = sg
	n.trust(sg, "广东省")
	n.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.hits.Add(1)
		code, cc, body := n.body(n.srv.URL + r.URL.Path)
		if cc != "" {
			w.Header().Set("Cache-Control", cc)
		}
		w.WriteHeader(code)
		w.Write([]byte(body))
	}))
	t.Cleanup(n.srv.Close)
	n.r = newRemoteStatuses(&http.Client{Timeout: 300 * time.Millisecond}, func(_ context.Context, kid string) (*TrustedKey, error) {
		if k, ok := n.trusted[kid]; ok {
			return k, nil
		}
		return nil, errs.E(errs.NotFound, "x")
	}, func() time.Time { return n.now })
	return n
}

func (n *remoteNode) trust(sg seal.Signer, source string) {
	j, err := seal.PublicJWK(sg.Alg(), sg.Public())
	if err != nil {
		n.t.Fatal(err)
	}
	j.Kid = sg.KeyID()
	n.trusted[sg.KeyID()] = &TrustedKey{KID: sg.KeyID(), JWK: j, Source: source}
}

// list signs a revocation list with bits set, identified as id.
func (n *remoteNode) list(sg seal.Signer, id, purpose string, ttl time.Duration, set ...int) string {
	bits := NewBitstring(ListSize)
	for _, i := range set {
		bits.Set(i)
	}
	payload, _ := StatusListCredential(id, CredIssuer{ID: "https://gd.example/issuers/1", Name: "广东省政务服务和数据管理局"},
		purpose, bits, n.now, ttl, ttl).marshal()
	input, _ := SigningInput(Header{Alg: string(sg.Alg()), Kid: sg.KeyID(), Typ: TypStatusList}, payload)
	sig, _ := sg.Sign([]byte(input))
	return Assemble(input, sig)
}

func (n *remoteNode) url() string { return n.srv.URL + "/credentials/status/1-revocation" }

func (n *remoteNode) bit(source string, i int) (bool, string) {
	set, err := n.r.bit(WithStatusBase(context.Background(), n.srv.URL), source, n.url(), PurposeRevocation, i)
	if err != nil {
		return false, StatusErrorReason(err)
	}
	return set, ""
}

// TestRemoteStatusList: another node's list is fetched, verified against
// its trust list's keys and cached as its Cache-Control says; every way
// it can fail gives a reason, never an error without one.
func TestRemoteStatusList(t *testing.T) {
	t.Run("cached for max-age", func(t *testing.T) {
		n := newRemoteNode(t)
		n.body = func(u string) (int, string, string) {
			return 200, "public, max-age=30", n.list(n.sg, u, PurposeRevocation, time.Hour, 5)
		}
		if set, why := n.bit("广东省", 5); !set || why != "" {
			t.Errorf("revoked entry: %v %q", set, why)
		}
		if set, why := n.bit("广东省", 6); set || why != "" {
			t.Errorf("valid entry: %v %q", set, why)
		}
		if h := n.hits.Load(); h != 1 {
			t.Errorf("%d fetches within max-age, want 1", h)
		}
		n.now = n.now.Add(31 * time.Second)
		n.bit("广东省", 5)
		if h := n.hits.Load(); h != 2 {
			t.Errorf("%d fetches after max-age, want 2", h)
		}
	})
	t.Run("no-store and validUntil bound the cache", func(t *testing.T) {
		n := newRemoteNode(t)
		n.body = func(u string) (int, string, string) {
			return 200, "no-store", n.list(n.sg, u, PurposeRevocation, time.Hour)
		}
		n.bit("广东省", 1)
		n.bit("广东省", 1)
		if h := n.hits.Load(); h != 2 {
			t.Errorf("no-store: %d fetches, want 2", h)
		}
		m := newRemoteNode(t)
		m.body = func(u string) (int, string, string) {
			return 200, "max-age=600", m.list(m.sg, u, PurposeRevocation, 10*time.Second)
		}
		m.bit("广东省", 1)
		m.now = m.now.Add(11 * time.Second)
		m.bit("广东省", 1)
		if h := m.hits.Load(); h != 2 {
			t.Errorf("past validUntil: %d fetches, want 2", h)
		}
	})
	other, _, _ := seal.GenerateKey(seal.SM2)
	stranger, _, _ := seal.GenerateKey(seal.ES256)
	for _, c := range []struct {
		name string
		body func(n *remoteNode, u string) (int, string, string)
		want string
	}{
		{"server error", func(n *remoteNode, u string) (int, string, string) { return 500, "", "oops" }, StatusHTTP},
		{"not found", func(n *remoteNode, u string) (int, string, string) { return 404, "", "" }, StatusHTTP},
		{"too large", func(n *remoteNode, u string) (int, string, string) {
			return 200, "", strings.Repeat("a", maxRemoteList+1)
		}, StatusTooLarge},
		{"garbage", func(n *remoteNode, u string) (int, string, string) { return 200, "", "<html>hello</html>" }, StatusNotList},
		{"unknown key", func(n *remoteNode, u string) (int, string, string) {
			return 200, "", n.list(stranger, u, PurposeRevocation, time.Hour, 5)
		}, StatusBadSignature},
		{"key of another trust list", func(n *remoteNode, u string) (int, string, string) {
			n.trust(other, "浙江省")
			return 200, "", n.list(other, u, PurposeRevocation, time.Hour)
		}, StatusBadSignature},
		{"tampered", func(n *remoteNode, u string) (int, string, string) {
			jws := n.list(n.sg, u, PurposeRevocation, time.Hour, 5)
			parts := strings.Split(jws, ".")
			other := strings.Split(n.list(n.sg, u, PurposeRevocation, time.Hour), ".")
			return 200, "", parts[0] + "." + other[1] + "." + parts[2]
		}, StatusBadSignature},
		{"another list's credential", func(n *remoteNode, u string) (int, string, string) {
			return 200, "", n.list(n.sg, u+"x", PurposeRevocation, time.Hour)
		}, StatusWrongList},
		{"wrong purpose", func(n *remoteNode, u string) (int, string, string) {
			return 200, "", n.list(n.sg, u, PurposeSuspension, time.Hour)
		}, StatusWrongPurpose},
		{"expired", func(n *remoteNode, u string) (int, string, string) {
			return 200, "", n.list(n.sg, u, PurposeRevocation, -time.Second)
		}, StatusExpired},
		{"too slow", func(n *remoteNode, u string) (int, string, string) {
			time.Sleep(600 * time.Millisecond)
			return 200, "", n.list(n.sg, u, PurposeRevocation, time.Hour)
		}, StatusUnreachable},
	} {
		t.Run(c.name, func(t *testing.T) {
			n := newRemoteNode(t)
			n.body = func(u string) (int, string, string) { return c.body(n, u) }
			if set, why := n.bit("广东省", 5); set || why != c.want {
				t.Errorf("got %v %q, want reason %q", set, why, c.want)
			}
			// A failure is remembered for a while: a dead node is not
			// asked on every verification.
			n.bit("广东省", 5)
			if h := n.hits.Load(); h != 1 {
				t.Errorf("%d fetches after a failure, want 1", h)
			}
		})
	}
	t.Run("not http", func(t *testing.T) {
		n := newRemoteNode(t)
		_, err := n.r.bit(context.Background(), "广东省", "file:///etc/passwd", PurposeRevocation, 1)
		if StatusErrorReason(err) != StatusBadURL {
			t.Errorf("file URL: %v", err)
		}
	})
}
