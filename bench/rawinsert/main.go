// Command rawinsert measures the raw single-row insert rate of a SQLite
// database opened exactly as digigov opens it (same driver, same pragmas),
// one row per transaction: the ceiling against which bench/cases.sh
// reports the case-submission rate.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/digigov/digigov/internal/platform/db"
)

func main() {
	n := flag.Int("n", 20000, "rows to insert")
	dir := flag.String("dir", os.TempDir(), "directory for the scratch database")
	flag.Parse()
	ctx := context.Background()
	path := filepath.Join(*dir, fmt.Sprintf("rawinsert-%d.db", os.Getpid()))
	defer os.Remove(path)
	d, err := db.Open(ctx, path)
	if err != nil {
		log.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Exec(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL, at TIMESTAMP NOT NULL)`); err != nil {
		log.Fatal(err)
	}
	payload := strings.Repeat("x", 200)
	start := time.Now()
	for i := 0; i < *n; i++ {
		err := d.Transact(ctx, func(ctx context.Context) error {
			_, err := d.Exec(ctx, `INSERT INTO t (payload, at) VALUES (?, ?)`, payload, time.Now().UTC())
			return err
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	el := time.Since(start)
	fmt.Printf("%.0f\n", float64(*n)/el.Seconds())
}
