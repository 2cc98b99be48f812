package apptest

import (
	"bufio"
	"net/http"
	"strings"
	"testing"
	"time"
)

// SSEvent is one server-sent event.
type SSEvent struct {
	Name string // the "event:" field; "message" when absent
	Data string
}

// Stream is an open server-sent-events stream.
type Stream struct {
	t      testing.TB
	events chan SSEvent
}

// Stream opens a server-sent-events stream at path with the client's
// cookies (its session), and headers as name, value pairs (e.g. an
// Authorization header instead). It fails the test unless the answer is
// 200.
func (c *Client) Stream(path string, header ...string) *Stream {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.n.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("stream %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		c.t.Fatalf("stream %s: status %d", path, resp.StatusCode)
	}
	c.t.Cleanup(func() { resp.Body.Close() })
	s := &Stream{t: c.t, events: make(chan SSEvent, 64)}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		ev := SSEvent{Name: "message"}
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Data != "" {
					s.events <- ev
				}
				ev = SSEvent{Name: "message"}
			case strings.HasPrefix(line, "event: "):
				ev.Name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.Data = strings.TrimPrefix(line, "data: ")
			}
		}
	}()
	return s
}

// Next returns the next event, ok false when the stream has ended; it fails
// the test when nothing comes within wait.
func (s *Stream) Next(wait time.Duration) (ev SSEvent, ok bool) {
	s.t.Helper()
	select {
	case ev, ok = <-s.events:
		return ev, ok
	case <-time.After(wait):
		s.t.Fatalf("no event and no end within %s", wait)
	}
	return SSEvent{}, false
}

// Ends waits up to wait for the stream to end, returning the events it
// sent until then; it fails the test if the stream is still open.
func (s *Stream) Ends(wait time.Duration) []SSEvent {
	s.t.Helper()
	var got []SSEvent
	deadline := time.After(wait)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return got
			}
			got = append(got, ev)
		case <-deadline:
			s.t.Fatalf("the stream was still open after %s (events: %v)", wait, got)
			return got
		}
	}
}
