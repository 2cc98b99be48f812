package sqlstore

import (
	"io/fs"
	"slices"
	"testing"
)

// Every schema change ships for both engines: the two folders must list
// the same migration files.
func TestMigrationsMatchAcrossEngines(t *testing.T) {
	list := func(dir string) []string {
		names, err := fs.Glob(migrations, dir+"/*.sql")
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range names {
			names[i] = n[len(dir)+1:]
		}
		return names
	}
	lite, pg := list("migrations/sqlite"), list("migrations/postgres")
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Fatalf("sqlite migrations %v differ from postgres migrations %v", lite, pg)
	}
}
