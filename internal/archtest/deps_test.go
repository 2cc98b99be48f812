package archtest

import (
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/digigov/digigov/"

// domains in dependency order: each may import only those before it. audit
// sits below identity because identity's changes are audited in their own
// transactions (docs/architecture.md).
var domains = []string{
	"region", "audit", "identity", "seal", "sealdoc", "catalog", "cases", "appointment", "rating", "notify", "license",
	"datashare", "opendata", "market", "governance", "knowledge", "open311", "sensing", "emergency", "office", "kpi", "federation",
}

// TestImportDirection reads every package's imports with go list and fails
// on any import that points the wrong way.
func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}}{{range .Imports}} {{.}}{{end}}`, mod+"...").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	rank := map[string]int{}
	for i, d := range domains {
		rank["internal/"+d] = i
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], mod)
		for _, imp := range fields[1:] {
			if !strings.HasPrefix(imp, mod) {
				continue
			}
			imp = strings.TrimPrefix(imp, mod)
			checked++
			if why := forbidden(pkg, imp, rank); why != "" {
				t.Errorf("%s imports %s: %s", pkg, imp, why)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no internal imports found: the test is not looking at the module")
	}
}

func top(p string) string {
	parts := strings.SplitN(p, "/", 3)
	if len(parts) < 2 {
		return p
	}
	return parts[0] + "/" + parts[1]
}

func forbidden(pkg, imp string, rank map[string]int) string {
	p, i := top(pkg), top(imp)
	switch {
	case strings.HasPrefix(imp, "cmd/"):
		return "nothing imports a command"
	case i == "internal/app" && p != "internal/app" && !strings.HasPrefix(pkg, "cmd/") && !strings.HasPrefix(pkg, "bench/"):
		return "only commands and bench tools import the composition root"
	case p == "internal/platform" && i != "internal/platform":
		return "platform imports no domain"
	case p == "internal/web" && i == "internal/store":
		return "web never imports store: it talks to services"
	case p == "verifier" && (i == "internal/web" || i == "internal/store" || i == "internal/app" || i == "internal/config" || i == "internal/jobs"):
		return "the public offline verifier needs no node: no web, store, app, config or jobs"
	}
	pr, pDomain := rank[p]
	ir, iDomain := rank[i]
	if pDomain {
		if i == "internal/web" || i == "internal/store" || i == "internal/jobs" || i == "internal/config" {
			return "a domain imports neither web, store, jobs nor config"
		}
		if iDomain && ir > pr {
			return "a domain imports only domains below it"
		}
	}
	return ""
}

func TestForbiddenRules(t *testing.T) {
	rank := map[string]int{"internal/region": 0, "internal/audit": 1, "internal/identity": 2}
	cases := map[[2]string]bool{
		{"internal/identity", "internal/region"}:         true,
		{"internal/region", "internal/identity"}:         false,
		{"internal/identity", "internal/store/x"}:        false,
		{"internal/web", "internal/store/sqlstore"}:      false,
		{"internal/platform/db", "internal/region"}:      false,
		{"internal/web", "internal/app"}:                 false,
		{"cmd/digigov", "internal/app"}:                  true,
		{"internal/store/sqlstore", "internal/identity"}: true,
		{"verifier", "internal/license"}:                 true,
		{"verifier", "internal/store/sqlstore"}:          false,
	}
	for c, ok := range cases {
		if got := forbidden(c[0], c[1], rank) == ""; got != ok {
			t.Errorf("%s → %s allowed = %v, want %v", c[0], c[1], got, ok)
		}
	}
}
