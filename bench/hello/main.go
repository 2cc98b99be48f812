// Command hello is the baseline for bench/api.sh: the smallest net/http
// server, measured on the same machine in the same run as digigov, so the
// figure we report is a ratio that does not depend on how fast the machine
// is that day.
package main

import (
	"flag"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18181", "listen address")
	flag.Parse()
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("hello"))
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
