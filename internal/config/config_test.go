package config

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

func TestPrecedence(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "dsn")
	os.WriteFile(secret, []byte("postgres://u:p@db/x\n"), 0o600)
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		check   func(*Config) bool
		wantErr bool
	}{
		{"defaults", nil, nil, func(c *Config) bool {
			return c.Addr == "localhost:8080" && c.DB == filepath.Join("digigov-data", "digigov.db") && !c.Demo
		}, false},
		{"env", nil, map[string]string{"DIGIGOV_ADDR": ":9000", "DIGIGOV_DEMO": "true"}, func(c *Config) bool {
			return c.Addr == ":9000" && c.Demo
		}, false},
		{"flag beats env", []string{"-addr", ":7000"}, map[string]string{"DIGIGOV_ADDR": ":9000"}, func(c *Config) bool {
			return c.Addr == ":7000"
		}, false},
		{"secret from file", nil, map[string]string{"DIGIGOV_DB_FILE": secret}, func(c *Config) bool {
			return c.DB == "postgres://u:p@db/x"
		}, false},
		{"bad log format", []string{"-log-format", "xml"}, nil, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := func(k string) string { return tt.env[k] }
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			c := Flags(fs, env)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := c.Finish(env)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Finish: %v, wantErr %v", err, tt.wantErr)
			}
			if err == nil && !tt.check(c) {
				t.Errorf("config %+v", c)
			}
		})
	}
}
