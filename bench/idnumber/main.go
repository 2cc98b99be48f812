// Command idnumber prints a valid citizen ID number (GB 11643) for bench
// scripts: idnumber REGION6 YYYY-MM-DD SEQ.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/digigov/digigov/internal/identity"
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: idnumber REGION6 YYYY-MM-DD SEQ")
		os.Exit(2)
	}
	d, err := time.Parse("2006-01-02", os.Args[2])
	seq, err2 := strconv.Atoi(os.Args[3])
	if err != nil || err2 != nil {
		fmt.Fprintln(os.Stderr, "idnumber: bad date or sequence")
		os.Exit(2)
	}
	fmt.Println(identity.MakeIDNumber(os.Args[1], d, seq).Clear())
}
