package config

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

func TestSMTP(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "smtp")
	os.WriteFile(pw, []byte("s3cret\n"), 0o600)
	parse := func(env map[string]string, args ...string) (*Config, error) {
		get := func(k string) string { return env[k] }
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		c := Flags(fs, get)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c, c.Finish(get)
	}
	c, err := parse(nil)
	if err != nil || c.SMTPAddr != "" {
		t.Fatalf("default: SMTP off, got %q %v", c.SMTPAddr, err)
	}
	c, err = parse(map[string]string{"DIGIGOV_SMTP_ADDR": "mail:587", "DIGIGOV_SMTP_FROM": "noreply@gd.gov.cn",
		"DIGIGOV_SMTP_USER": "u", "DIGIGOV_SMTP_PASSWORD_FILE": pw}, "-smtp-addr", "relay:25")
	if err != nil || c.SMTPAddr != "relay:25" || c.SMTPFrom != "noreply@gd.gov.cn" || c.SMTPUser != "u" || c.SMTPPassword != "s3cret" {
		t.Fatalf("configured: %+v %v", c, err)
	}
	if _, err := parse(map[string]string{"DIGIGOV_SMTP_ADDR": "mail:587"}); err == nil {
		t.Error("a relay without a sender address was accepted")
	}
	if _, err := parse(map[string]string{"DIGIGOV_SMTP_PASSWORD_FILE": "/nonexistent/pw"}); err == nil {
		t.Error("an unreadable password file was accepted")
	}
}
