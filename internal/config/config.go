// Package config builds the one Config value the rest of digigov receives.
// Values come from command-line flags, then DIGIGOV_* environment variables,
// then defaults; a secret may also be given as a file through the variable
// with a _FILE suffix (DIGIGOV_DB_FILE). Nothing else reads the environment.
package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Config is the configuration of a digigov process.
type Config struct {
	Addr         string // listen address of the web server
	DataDir      string // where the SQLite database, node key and blobs live
	DB           string // DSN: a SQLite path or postgres://…; default DataDir/digigov.db
	Demo         bool   // seed demo organisations and accounts on start
	NodeKeyFile  string // 32-byte node key (hex); default DataDir/node.key
	LogFormat    string // "text" or "json"
	LogLevel     string // "debug", "info", "warn", "error"
	MaxBodyBytes int64  // request body limit
	CalendarFile string // extra holiday schedules (workday format); "" for the embedded years only
	PDFFont      string // TrueType font (or collection: its first font) for licence and document PDFs; "" for the compiled-in 文泉驿微米黑
	PublicURL    string // how the world reaches this node ("https://gov.example.cn"): licences' issuer and status list URLs; default http://ADDR

	// Notifications by e-mail (internal/notify): used when SMTPAddr is set.
	SMTPAddr     string // relay host:port
	SMTPFrom     string // sender address
	SMTPUser     string // "" for no authentication
	SMTPPassword string // read from DIGIGOV_SMTP_PASSWORD_FILE; never a flag

	Sensing Sensing // indicators' MQTT/NATS bus and cockpit maps (sensing.go)
}

// Env is how config reads the environment (os.Getenv in production).
type Env func(string) string

// Flags registers the common flags on fs with defaults from env, and
// returns the Config they fill. Call Finish after fs.Parse.
func Flags(fs *flag.FlagSet, env Env) *Config {
	c := &Config{}
	fs.StringVar(&c.Addr, "addr", envOr(env, "DIGIGOV_ADDR", "localhost:8080"), "listen address (DIGIGOV_ADDR)")
	fs.StringVar(&c.DataDir, "data", envOr(env, "DIGIGOV_DATA", "digigov-data"), "data directory (DIGIGOV_DATA)")
	fs.StringVar(&c.DB, "db", env("DIGIGOV_DB"), "database DSN: a SQLite file or postgres://… (DIGIGOV_DB, DIGIGOV_DB_FILE); default DATA/digigov.db")
	fs.BoolVar(&c.Demo, "demo", envBool(env, "DIGIGOV_DEMO"), "seed demo organisations and accounts (DIGIGOV_DEMO)")
	fs.StringVar(&c.NodeKeyFile, "node-key", env("DIGIGOV_NODE_KEY_FILE"), "node key file (DIGIGOV_NODE_KEY_FILE); default DATA/node.key")
	fs.StringVar(&c.LogFormat, "log-format", envOr(env, "DIGIGOV_LOG_FORMAT", "text"), "log format: text or json (DIGIGOV_LOG_FORMAT)")
	fs.StringVar(&c.LogLevel, "log-level", envOr(env, "DIGIGOV_LOG_LEVEL", "info"), "log level: debug, info, warn, error (DIGIGOV_LOG_LEVEL)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("DIGIGOV_SMTP_ADDR"), "SMTP relay host:port for e-mail notifications; off when empty (DIGIGOV_SMTP_ADDR)")
	fs.StringVar(&c.SMTPFrom, "smtp-from", env("DIGIGOV_SMTP_FROM"), "sender address of e-mail notifications (DIGIGOV_SMTP_FROM)")
	fs.StringVar(&c.SMTPUser, "smtp-user", env("DIGIGOV_SMTP_USER"), "SMTP user; password from DIGIGOV_SMTP_PASSWORD_FILE (DIGIGOV_SMTP_USER)")
	fs.StringVar(&c.CalendarFile, "calendar", env("DIGIGOV_CALENDAR_FILE"), "holiday schedules to add to the embedded years, in the format of internal/platform/workday/data/calendar.txt (DIGIGOV_CALENDAR_FILE)")
	fs.StringVar(&c.PDFFont, "pdf-font", env("DIGIGOV_PDF_FONT"), "TrueType font or collection (its first font) with the Chinese glyphs for licence and document PDFs, instead of the compiled-in WenQuanYi Micro Hei (DIGIGOV_PDF_FONT)")
	fs.StringVar(&c.PublicURL, "public-url", env("DIGIGOV_PUBLIC_URL"), "public URL of the node, in licences' issuer and status list IDs (DIGIGOV_PUBLIC_URL); default http://ADDR")
	sensingFlags(fs, env, &c.Sensing)
	c.MaxBodyBytes = 64 << 20
	if v := env("DIGIGOV_MAX_BODY_BYTES"); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			c.MaxBodyBytes = n
		}
	}
	return c
}

// Finish fills derived defaults and secrets from files, and validates.
func (c *Config) Finish(env Env) error {
	if c.DB == "" {
		if f := env("DIGIGOV_DB_FILE"); f != "" {
			b, err := os.ReadFile(f)
			if err != nil {
				return fmt.Errorf("DIGIGOV_DB_FILE: %w", err)
			}
			c.DB = strings.TrimSpace(string(b))
		}
	}
	if c.DB == "" {
		c.DB = filepath.Join(c.DataDir, "digigov.db")
	}
	if c.NodeKeyFile == "" {
		c.NodeKeyFile = filepath.Join(c.DataDir, "node.key")
	}
	if c.PublicURL == "" {
		host := c.Addr
		if strings.HasPrefix(host, ":") || host == "" {
			host = "localhost" + host
		}
		c.PublicURL = "http://" + host
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if err := c.finishSMTP(env); err != nil {
		return err
	}
	if err := c.Sensing.finish(); err != nil {
		return err
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		return fmt.Errorf("log format %q: want text or json", c.LogFormat)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}

// finishSMTP reads the SMTP password from its file and checks that a relay
// comes with a sender address.
func (c *Config) finishSMTP(env Env) error {
	if f := env("DIGIGOV_SMTP_PASSWORD_FILE"); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("DIGIGOV_SMTP_PASSWORD_FILE: %w", err)
		}
		c.SMTPPassword = strings.TrimRight(string(b), "\r\n")
	}
	if c.SMTPAddr != "" && c.SMTPFrom == "" {
		return fmt.Errorf("smtp: DIGIGOV_SMTP_ADDR is set but DIGIGOV_SMTP_FROM is not")
	}
	return nil
}

// BlobDir is where uploaded and generated files are kept.
func (c *Config) BlobDir() string { return filepath.Join(c.DataDir, "blobs") }

func envOr(env Env, key, def string) string {
	if v := env(key); v != "" {
		return v
	}
	return def
}

func envBool(env Env, key string) bool {
	b, _ := strconv.ParseBool(env(key))
	return b
}
