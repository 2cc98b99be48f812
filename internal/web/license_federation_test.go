package web_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/digigov/digigov/internal/app/apptest"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/store/storetest"
)

type liveVerdict struct {
	verdict
	KeySource       string `json:"key_source"`
	StatusUnchecked bool   `json:"status_unchecked"`
	StatusError     string `json:"status_error"`
}

// TestMutualRecognitionLiveStatus: two nodes. Once node B imports node A's
// trust list, A's licences verify at B with their live status: B fetches
// A's signed status list from the URL in the licence, checks it with the
// keys of A's trust list, and reports A's revocation; it keeps the list as
// long as A's Cache-Control allows, so a revocation after that shows when
// the list expires.
func TestMutualRecognitionLiveStatus(t *testing.T) {
	e := storetest.Engines(t)[0]
	a := &licenseNode{Node: apptest.StartPublic(t, e), t: t, tok: map[string]string{}}
	a.c = a.Client(t)
	b := &licenseNode{Node: apptest.StartPublic(t, e), t: t, tok: map[string]string{}}
	b.c = b.Client(t)

	issue := func() issued {
		var l issued
		body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"D44010600777","issue_place":"广州市"}}`
		if code := a.api(http.MethodPost, "/api/v1/licenses", "officer", body, &l); code != http.StatusCreated {
			t.Fatalf("issue at A: %d", code)
		}
		return l
	}
	valid, revoked := issue(), issue()
	if code := a.api(http.MethodPost, "/api/v1/licenses/"+revoked.ID+"/revoke", "officer", `{"reason":"核实冒领"}`, nil); code != http.StatusOK {
		t.Fatalf("revoke at A: %d", code)
	}
	verifyAtB := func(jws string) liveVerdict {
		var v liveVerdict
		if code := b.api(http.MethodPost, "/api/v1/licenses/verify", "", `{"jws":"`+jws+`"}`, &v); code != http.StatusOK {
			t.Fatalf("verify at B: %d", code)
		}
		return v
	}
	if v := verifyAtB(valid.JWS); v.Genuine || v.Reason != "unknown_key" {
		t.Fatalf("before the import B says %+v", v)
	}
	list := a.c.Get("/.well-known/trust-list.jws").Body
	if _, err := b.App.Licenses.ImportTrustList(context.Background(), b.Caller(t, "admin"), list); err != nil {
		t.Fatal(err)
	}
	if v := verifyAtB(valid.JWS); v.Verdict != "valid" || v.StatusUnchecked || v.KeySource == "" {
		t.Errorf("A's valid licence at B: %+v", v)
	}
	if v := verifyAtB(revoked.JWS); v.Verdict != "revoked" || v.Reason != "revoked" || v.StatusUnchecked {
		t.Errorf("A's revoked licence at B: %+v", v)
	}
	// A revokes the other one now: B holds A's list for its max-age (A
	// says 25 s), so B still answers from it, as HTTP caching allows.
	if code := a.api(http.MethodPost, "/api/v1/licenses/"+valid.ID+"/revoke", "officer", `{"reason":"遗失补办"}`, nil); code != http.StatusOK {
		t.Fatalf("revoke at A: %d", code)
	}
	if v := verifyAtB(valid.JWS); v.Verdict != "valid" {
		t.Errorf("within the list's max-age B says %+v", v)
	}
	if v := a.verify(valid.JWS, false); v.Verdict != "revoked" {
		t.Errorf("at A, at once: %+v", v)
	}

	// Node C publishes status URLs nobody can reach (its public URL is the
	// default http://localhost): its licences verify at B as genuine with
	// the status unchecked and why, never as a server error.
	c := &licenseNode{Node: apptest.Start(t, e), t: t, tok: map[string]string{}}
	c.c = c.Client(t)
	var cl issued
	body := `{"type":"social_security_card","holder":"` + citizenID + `","fields":{"card_number":"D44010600778","issue_place":"广州市"}}`
	if code := c.api(http.MethodPost, "/api/v1/licenses", "officer", body, &cl); code != http.StatusCreated {
		t.Fatalf("issue at C: %d", code)
	}
	// C's list names the same source as A's (both are demo nodes of 广东):
	// it cannot replace A's while A's node holds that name; once B's
	// administrator removes A's source, it imports.
	cList := c.c.Get("/.well-known/trust-list.jws").Body
	if _, err := b.App.Licenses.ImportTrustList(context.Background(), b.Caller(t, "admin"), cList); errs.As(err) == nil || errs.As(err).Msg != "trust.source_taken" {
		t.Fatalf("C's list while A holds its source name: %v", err)
	}
	if _, err := b.App.Licenses.RemoveTrustSource(context.Background(), b.Caller(t, "admin"), "广东省人民政府办公厅"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.App.Licenses.ImportTrustList(context.Background(), b.Caller(t, "admin"), cList); err != nil {
		t.Fatal(err)
	}
	if v := verifyAtB(cl.JWS); !v.Genuine || v.Verdict != "valid" || !v.StatusUnchecked || v.StatusError != "unreachable" {
		t.Errorf("C's licence at B: %+v", v)
	}
}
