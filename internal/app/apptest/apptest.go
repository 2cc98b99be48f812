// Package apptest starts a whole digigov node for tests, with demo data, on
// a real database, behind a real HTTP server on a loopback port, and gives
// tests a browser-like client (cookies, CSRF tokens, parsed pages).
package apptest

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/store/storetest"
)

// Node is a running test node.
type Node struct {
	App *app.App
	URL string
	Log *SafeBuffer // everything the node logged

	cfg *config.Config // for Peer
}

// SafeBuffer is a bytes.Buffer safe for concurrent writes.
type SafeBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SafeBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SafeBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Start opens a node on engine e with the demo data and serves it.
func Start(t testing.TB, e storetest.Engine) *Node { return start(t, e, false) }

// StartPublic starts a node like Start whose public URL is its own
// address, so that the issuer and status list URLs in its licences reach
// it: for tests with two nodes (证照互认).
func StartPublic(t testing.TB, e storetest.Engine) *Node { return start(t, e, true) }

func start(t testing.TB, e storetest.Engine, public bool) *Node {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{
		DataDir: dir, DB: storetest.DSN(t, e), NodeKeyFile: filepath.Join(dir, "node.key"),
		LogFormat: "json", LogLevel: "info", MaxBodyBytes: 1 << 20,
	}
	srv := httptest.NewUnstartedServer(nil) // its address is known before the node opens
	if public {
		cfg.PublicURL = "http://" + srv.Listener.Addr().String()
	}
	logs := &SafeBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, nil))
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, log, "test")
	if err != nil {
		srv.Close()
		t.Fatalf("open node: %v", err)
	}
	t.Cleanup(func() { a.Close() })
	t.Cleanup(srv.Close) // runs first: no request reaches a closed node
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatalf("demo data: %v", err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatalf("handler: %v", err)
	}
	srv.Config.Handler = h
	srv.Start()
	return &Node{App: a, URL: srv.URL, Log: logs, cfg: cfg}
}

// Client is a browser-like client: it keeps cookies, does not follow
// redirects (tests check them), and remembers the CSRF token of the last
// page it saw.
type Client struct {
	t    testing.TB
	n    *Node
	http *http.Client
	csrf string
}

// Client returns a new client without cookies.
func (n *Node) Client(t testing.TB) *Client {
	jar, _ := cookiejar.New(nil)
	return &Client{t: t, n: n, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Response is a response with its body read.
type Response struct {
	*http.Response
	Body string
	Doc  *goquery.Document // parsed when the body is HTML
}

// Do sends a request and reads the response.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	r := &Response{Response: resp, Body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		r.Doc, _ = goquery.NewDocumentFromReader(bytes.NewReader(b))
		if v, ok := r.Doc.Find(`input[name="csrf"]`).First().Attr("value"); ok && v != "" {
			c.csrf = v
		}
	}
	return r
}

// Get fetches path.
func (c *Client) Get(path string, header ...string) *Response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.n.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return c.Do(req)
}

// Post submits a form, adding the CSRF token the client last saw (fetching
// the home page first if it has seen none) unless form has one.
func (c *Client) Post(path string, form url.Values) *Response {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		if c.csrf == "" {
			c.Get("/")
		}
		form.Set("csrf", c.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, c.n.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// PostFile submits a multipart form, as a browser does for a form with a
// file input: the fields of form, the CSRF token as Post adds it, and data
// as the file named filename in field.
func (c *Client) PostFile(path string, form url.Values, field, filename string, data []byte) *Response {
	c.t.Helper()
	if c.csrf == "" {
		c.Get("/")
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if _, ok := form["csrf"]; !ok {
		mw.WriteField("csrf", c.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, filename)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.n.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// Login signs in and fails the test if it does not work.
func (c *Client) Login(username, password string) {
	c.t.Helper()
	c.Get("/login")
	r := c.Post("/login", url.Values{"username": {username}, "password": {password}})
	if r.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login as %s: status %d", username, r.StatusCode)
	}
	c.csrf = ""
	c.Get("/") // pick up the session's CSRF token
}

// Token issues an API token for a demo account.
func (n *Node) Token(t testing.TB, username string) string {
	t.Helper()
	ctx := context.Background()
	u, err := n.App.Identity.UserByUsername(ctx, username)
	if err != nil {
		t.Fatalf("token for %s: %v", username, err)
	}
	tok, err := n.App.Identity.IssueAPIToken(ctx, auditActor("test"), u.ID, "test")
	if err != nil {
		t.Fatalf("token for %s: %v", username, err)
	}
	return tok
}
