package region_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/region"
)

func TestReadDivisionDir(t *testing.T) {
	rows, err := region.ReadDivisionDir("testdata/division", "45")
	if err != nil {
		t.Fatal(err)
	}
	want := []region.Row{
		{"450102001", "民生街道"},
		{"450102002", "朝阳街道"},
		{"450102001003", "兴宁社区居委会"},
		{"450102001004", "北宁社区居委会"},
		{"450102002001", "朝阳社区居委会"},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Fatalf("rows (-want +got):\n%s", diff)
	}
	tree, err := region.Embedded().With(rows)
	if err != nil {
		t.Fatal(err)
	}
	if got := tree.FullName("450102001003"); got != "广西壮族自治区南宁市兴宁区民生街道兴宁社区居委会" {
		t.Errorf("FullName = %q", got)
	}
	if got, want := tree.Len(), region.Embedded().Len()+5; got != want {
		t.Errorf("Len = %d, want %d", got, want)
	}

	both, err := region.ReadDivisionDir("testdata/division", "44", "45")
	if err != nil || len(both) != 9 {
		t.Fatalf("ReadDivisionDir(44, 45) = %d rows, %v; want 9", len(both), err)
	}
}

// writeDivision makes a dist directory holding the given files.
func writeDivision(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadDivisionDirErrors(t *testing.T) {
	const (
		streets  = "code,name\n450102001,民生街道\n"
		villages = "code,name\n450102001003,兴宁社区居委会\n"
	)
	tests := []struct {
		name      string
		dir       string
		provinces []string
		code      errs.Code
		want      string
	}{
		{"missing dir", filepath.Join(t.TempDir(), "nope"), []string{"45"}, errs.Invalid, "cannot open"},
		{"no villages.csv", writeDivision(t, map[string]string{"streets.csv": streets}), []string{"45"}, errs.Invalid, "cannot open"},
		{"no province", "testdata/division", nil, errs.Invalid, "no province"},
		{"bad province", "testdata/division", []string{"4501"}, errs.Invalid, `province "4501"`},
		{"absent province", "testdata/division", []string{"46"}, errs.NotFound, "no towns of province 46"},
		{"no header", writeDivision(t, map[string]string{"streets.csv": ""}), []string{"45"}, errs.Invalid, "not a valid CSV"},
		{"no name column", writeDivision(t, map[string]string{"streets.csv": "code,title\n"}), []string{"45"}, errs.Invalid, "no code or name column"},
		{"short code", writeDivision(t, map[string]string{"streets.csv": "code,name\n4501020,民生街道\n"}), []string{"45"}, errs.Invalid, `line 2: code "4501020" is not 9 digits`},
		{"empty name", writeDivision(t, map[string]string{"streets.csv": streets, "villages.csv": "code,name\n450102001003,\n"}), []string{"45"}, errs.Invalid, "line 2: empty name"},
		{"ragged", writeDivision(t, map[string]string{"streets.csv": streets, "villages.csv": villages + "450102001004\n"}), []string{"45"}, errs.Invalid, "not a valid CSV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := region.ReadDivisionDir(tt.dir, tt.provinces...)
			if rows != nil || !errs.Is(err, tt.code) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ReadDivisionDir = %d rows, %v; want %s containing %q", len(rows), err, tt.code, tt.want)
			}
		})
	}
	_, err := region.ReadDivisionDir(tests[0].dir, "45")
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing dir: %v does not wrap fs.ErrNotExist", err)
	}
}
