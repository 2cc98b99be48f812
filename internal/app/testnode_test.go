package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/identity"
)

// openTestApp opens a node on SQLite in a temporary directory with the
// demo data and one test item, code, decided by the city (accept by a case
// officer, decide by the head). ctx is cancelled and the node closed when
// the test ends; tests that serve cancel it themselves to stop.
func openTestApp(t *testing.T, code string) (ctx context.Context, cancel context.CancelFunc, a *App, it catalog.Item) {
	t.Helper()
	dir := t.TempDir()
	cfg := &config.Config{DataDir: dir, DB: filepath.Join(dir, "digigov.db"), NodeKeyFile: filepath.Join(dir, "node.key"),
		LogFormat: "text", LogLevel: "error", MaxBodyBytes: 1 << 20}
	ctx, cancel = context.WithCancel(context.Background())
	t.Cleanup(cancel)
	a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if _, err := a.SeedDemo(ctx); err != nil {
		t.Fatal(err)
	}
	it = catalog.Item{
		Code: code, Name: "测试事项", Type: catalog.TypePublic, Department: "hrss", Level: catalog.LevelCity,
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
	return ctx, cancel, a, it
}
