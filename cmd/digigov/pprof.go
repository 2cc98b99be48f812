//go:build pprof

package main

// Built with -tags pprof, the binary serves net/http/pprof on the address
// in DIGIGOV_PPROF, with expvar's /debug/vars (memstats: Mallocs,
// TotalAlloc), for profiling a server under a bench script's load.

import (
	_ "expvar"
	"net/http"
	_ "net/http/pprof"
	"os"
)

func init() {
	if addr := os.Getenv("DIGIGOV_PPROF"); addr != "" {
		go func() { _ = http.ListenAndServe(addr, nil) }()
	}
}
