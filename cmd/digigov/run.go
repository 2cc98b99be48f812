package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/digigov/digigov/internal/app"
	"github.com/digigov/digigov/internal/config"
)

const usage = `digigov — 数字政府平台 (Digital Government 2.0)

Usage:
  digigov serve [--demo] [--addr ADDR] [--data DIR] [--db DSN]   run the platform
  digigov migrate                                                 apply database migrations
  digigov regions import --from DIR [--province 41,42]            load another province's towns and villages
  digigov user add --username U --name N --org USCC --role ROLE --scope CODE
                                                                  add a staff account (password on stdin)
  digigov user token --username U [--name N]                      issue an API token
digigov user revoke-token --username U [--name N]               end that account's tokens of that name
  digigov user revoke-token --username U [--name N]               end that account's tokens of that name
  digigov audit verify                                            check the audit log's hash chain
  digigov backup --to FILE                                        copy the SQLite database while it runs
  digigov version                                                 print the version

Every command takes --data, --db, --log-format and --log-level; see "digigov serve -h".
Environment: DIGIGOV_ADDR, DIGIGOV_DATA, DIGIGOV_DB (or DIGIGOV_DB_FILE), DIGIGOV_DEMO,
DIGIGOV_NODE_KEY_FILE, DIGIGOV_LOG_FORMAT, DIGIGOV_LOG_LEVEL, DIGIGOV_MAX_BODY_BYTES.
`

// run is the whole program, with its environment passed in so that tests
// can call it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "digigov", version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	case "regions", "user", "audit":
		if len(rest) == 0 {
			return fmt.Errorf("%s: missing subcommand (see digigov help)", cmd)
		}
		cmd, rest = cmd+" "+rest[0], rest[1:]
	}
	c, ok := commands[cmd]
	if !ok {
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
	fs := flag.NewFlagSet("digigov "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config.Flags(fs, config.Env(getenv))
	opts := c.flags(fs)
	if err := fs.Parse(rest); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if err := cfg.Finish(config.Env(getenv)); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return c.run(ctx, env{cfg: cfg, log: log, stdin: stdin, stdout: stdout}, opts)
}

// env is what a command runs with.
type env struct {
	cfg    *config.Config
	log    *slog.Logger
	stdin  io.Reader
	stdout io.Writer
}

func (e env) open(ctx context.Context) (*app.App, error) {
	return app.Open(ctx, e.cfg, e.log, version())
}

type command struct {
	flags func(fs *flag.FlagSet) any
	run   func(ctx context.Context, e env, opts any) error
}

func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	o := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, o))
	}
	return slog.New(slog.NewTextHandler(w, o))
}

// version is the module version, or the VCS revision of a development
// build.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "dev-" + rev
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
