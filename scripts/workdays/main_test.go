package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakePackage writes a chinese-days package whose data holds the given
// holidays and workdays (JSON object bodies) and returns its directory.
func fakePackage(t *testing.T, holidays, workdays string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "dist"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"package.json":           `{"name": "chinese-days", "version": "9.9.9", "license": "MIT"}`,
		"dist/chinese-days.json": `{"holidays": {` + holidays + `}, "workdays": {` + workdays + `}, "inLieuDays": {}}`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// year2024 is one of each regular holiday, enough to count as complete.
const year2024 = `"2024-01-01": "New Year's Day,元旦,1", "2024-02-10": "Spring Festival,春节,3",
	"2024-04-04": "Tomb-sweeping Day,清明,1", "2024-05-01": "Labour Day,劳动节,1",
	"2024-06-10": "Dragon Boat Festival,端午,1", "2024-09-16": "Mid-autumn Festival,中秋,1",
	"2024-10-01": "National Day,国庆节,3"`

func TestRun(t *testing.T) {
	from := fakePackage(t, year2024+`, "2023-01-02": "New Year's Day,元旦,1"`, `"2024-02-04": "Spring Festival,春节,3"`)
	out := filepath.Join(t.TempDir(), "calendar.txt")
	var stderr bytes.Buffer
	if err := run([]string{"-from", from, "-out", out, "-years", "2024-2025"}, &stderr); err != nil {
		t.Fatalf("run: %v\n%s", err, &stderr)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(got), "\n")
	var data []string
	for _, l := range lines {
		if l != "" && !strings.HasPrefix(l, "#") {
			data = append(data, l)
		}
	}
	want := []string{
		"year\t2024",
		"2024-01-01\tholiday\t元旦",
		"2024-02-04\tworkday\t春节",
		"2024-02-10\tholiday\t春节",
		"2024-04-04\tholiday\t清明节",
		"2024-05-01\tholiday\t劳动节",
		"2024-06-10\tholiday\t端午节",
		"2024-09-16\tholiday\t中秋节",
		"2024-10-01\tholiday\t国庆节",
	}
	if strings.Join(data, "\n") != strings.Join(want, "\n") {
		t.Errorf("data lines:\n%s\nwant:\n%s", strings.Join(data, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(string(got), "chinese-days 9.9.9") {
		t.Errorf("header does not name the package version:\n%s", got)
	}
	if !strings.Contains(stderr.String(), "2025  absent from the package: not covered") {
		t.Errorf("stderr does not report 2025 as absent:\n%s", &stderr)
	}
}

func TestRunErrors(t *testing.T) {
	tests := []struct {
		name, holidays, workdays, years, want string
	}{
		{"partial year", `"2024-01-01": "New Year's Day,元旦,1"`, ``, "2024", "2024 is partial in the package (no 春节, 清明节"},
		{"unknown holiday", year2024 + `, "2024-11-11": "Singles Day,光棍节,1"`, ``, "2024", `unknown holiday "光棍节"`},
		{"bad value", year2024 + `, "2024-11-11": "光棍节"`, ``, "2024", "is not"},
		{"no year at all", year2024, ``, "2030-2031", "none of the years 2030–2031"},
		{"workday on a weekday", year2024, `"2024-02-05": "Spring Festival,春节,3"`, "2024", "only a weekend day"},
		{"bad span", year2024, ``, "2025-2024", "want FIRST-LAST"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from := fakePackage(t, tt.holidays, tt.workdays)
			out := filepath.Join(t.TempDir(), "calendar.txt")
			err := run([]string{"-from", from, "-out", out, "-years", tt.years}, new(bytes.Buffer))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run error = %v, want one containing %q", err, tt.want)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("a failed run wrote the output")
			}
		})
	}
}
