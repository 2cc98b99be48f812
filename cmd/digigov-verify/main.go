// Command digigov-verify verifies an electronic licence (电子证照) offline,
// from a node's keys and status lists saved earlier, with the public
// package github.com/digigov/digigov/verifier.
//
//	digigov-verify -jwks jwks.json [-trust other.jws]… [-status [URL=]FILE]… [-qr] [-json] LICENCE-FILE|-
//
// -status FILE loads a status list credential under its own id; URL=FILE
// also checks that it is the list at URL. LICENCE-FILE holds a licence
// (compact JWS), a 亮证 token or the text of a licence PDF's QR code ("-":
// standard input). It prints the verdict and the reason and exits 0 for a
// valid licence, 1 for any other verdict, 2 for bad usage or files.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/digigov/digigov/verifier"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, ",") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("digigov-verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jwks := fs.String("jwks", "", "the node's /.well-known/jwks.json, saved")
	var trust, status list
	fs.Var(&trust, "trust", "another node's trust list (/.well-known/trust-list.jws), repeatable")
	fs.Var(&status, "status", "a status list credential, [URL=]FILE, repeatable")
	qr := fs.Bool("qr", false, "the text was read from a QR code")
	asJSON := fs.Bool("json", false, "print the whole result as JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || (*jwks == "" && len(trust) == 0) {
		fmt.Fprintln(stderr, "usage: digigov-verify -jwks jwks.json [-trust list.jws]… [-status [URL=]FILE]… [-qr] [-json] LICENCE-FILE|-")
		return 2
	}
	v := verifier.New()
	fail := func(err error) int { fmt.Fprintln(stderr, "digigov-verify:", err); return 2 }
	if *jwks != "" {
		if _, err := v.AddJWKSFile(*jwks); err != nil {
			return fail(err)
		}
	}
	for _, f := range trust {
		if _, err := v.AddTrustListFile(f); err != nil {
			return fail(fmt.Errorf("%s: %w", f, err))
		}
	}
	for _, s := range status {
		url, file, ok := strings.Cut(s, "=")
		if !ok || !strings.Contains(url, "://") { // a plain file name (which may hold '=')
			url, file = "", s
		}
		if err := v.AddStatusListFile(url, file); err != nil {
			var le *verifier.ListError
			if errors.As(err, &le) {
				return fail(fmt.Errorf("%s: status list refused: %s", file, le.Reason))
			}
			return fail(err)
		}
	}
	var text []byte
	var err error
	if name := fs.Arg(0); name == "-" {
		text, err = io.ReadAll(io.LimitReader(stdin, 1<<20))
	} else {
		text, err = os.ReadFile(name)
	}
	if err != nil {
		return fail(err)
	}
	verify := v.Verify
	if *qr {
		verify = v.VerifyQR
	}
	r := verify(context.Background(), string(text))
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r)
	} else {
		fmt.Fprintf(stdout, "verdict: %s\n", r.Verdict)
		if r.Reason != "" {
			fmt.Fprintf(stdout, "reason:  %s\n", r.Reason)
		}
		if r.StatusError != "" {
			fmt.Fprintf(stdout, "status:  %s\n", r.StatusError)
		}
		fmt.Fprintf(stdout, "genuine: %v\n", r.Genuine)
		if r.Genuine {
			fmt.Fprintf(stdout, "issuer:  %s (%s)\n", r.IssuerName, r.Issuer)
			if r.Number != "" {
				fmt.Fprintf(stdout, "licence: %s %s, holder %s\n", r.TypeName, r.Number, r.HolderName)
			}
		}
	}
	if r.Verdict != verifier.Valid {
		return 1
	}
	return 0
}
