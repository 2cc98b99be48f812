package app

import (
	"context"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/notify"
)

// TestServeDispatches: a serving node delivers outbox events on its own —
// an application becomes an inbox entry without anyone calling RunOnce —
// and stops its dispatcher with the server.
func TestServeDispatches(t *testing.T) {
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, DB: filepath.Join(dir, "digigov.db"), NodeKeyFile: filepath.Join(dir, "node.key"),
		LogFormat: "text", LogLevel: "error", MaxBodyBytes: 1 << 20}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	it := catalog.Item{
		Code: "TST-0001", Name: "测试事项", Type: catalog.TypePublic, Department: "hrss", Level: catalog.LevelCity,
		Materials:    []catalog.Material{{Name: "居民身份证", Required: true, Form: "original"}},
		Form:         []catalog.Field{{Name: "reason", Label: "申请事由", Kind: catalog.FieldText, Required: true, MaxLength: 20}},
		PromisedDays: 5, StatutoryDays: 20, Fee: "不收费", OnlineDepth: 4, Scopes: []catalog.Scope{catalog.ScopeProvince},
		Channels: []catalog.Channel{catalog.ChannelOnline}, Targets: []catalog.Target{catalog.TargetPerson},
		Steps:  []catalog.Step{{Stage: catalog.StageAccept, Role: identity.RoleCaseOfficer}, {Stage: catalog.StageDecide, Role: identity.RoleDepartmentHead}},
		Result: "测试结果",
	}
	if _, err := a.Catalog.ImportAs(ctx, audit.System("test"), []catalog.Item{it}); err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, ln) }()

	u, err := a.Identity.UserByUsername(ctx, "citizen")
	if err != nil {
		t.Fatal(err)
	}
	tok, err := a.Identity.IssueAPIToken(ctx, audit.System("test"), u.ID, "t")
	if err != nil {
		t.Fatal(err)
	}
	citizen, err := a.Identity.CallerByAPIToken(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Cases.Apply(ctx, citizen, cases.Application{ItemCode: it.Code, DecideIn: "440106", Form: map[string]string{"reason": "换领"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := a.Notify.List(ctx, citizen, notify.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no notification 10 s after applying (%d)", len(list))
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("serve: %v", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop")
	}
}
