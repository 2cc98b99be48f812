// Command digigov runs a digital-government node: the web portal, workbench
// and cockpit, the JSON API, and the administration commands around them.
//
//	digigov serve [--demo] [--addr ADDR] [--data DIR] [--db DSN]
//	digigov migrate
//	digigov regions import --from DIR [--province 41,42]
//	digigov user add --username U --name N --org USCC --role R --scope CODE  (password on stdin)
//	digigov user token --username U [--name N]
//	digigov audit verify
//	digigov backup --to FILE
//	digigov version
package main

import (
	"context"
	"fmt"
	"os"
)

func main() {
	if err := run(context.Background(), os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "digigov: %v\n", err)
		os.Exit(1)
	}
}
