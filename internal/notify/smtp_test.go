package notify_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/digigov/digigov/internal/notify"
)

// fakeSMTP is a minimal SMTP server on a loopback port that keeps the
// envelope recipients and message data of each mail.
type fakeSMTP struct {
	addr string
	mail chan [2]string // recipient, data
}

func startSMTP(t *testing.T) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	f := &fakeSMTP{addr: ln.Addr().String(), mail: make(chan [2]string, 10)}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(conn)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(conn net.Conn) {
	defer conn.Close()
	r := bufio.NewReader(conn)
	say := func(s string) { io.WriteString(conn, s+"\r\n") }
	say("220 fake ESMTP")
	var rcpt string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"):
			say("250-fake")
			say("250 8BITMIME")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			rcpt = strings.Trim(strings.TrimSpace(line)[8:], "<>")
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			f.mail <- [2]string{rcpt, data.String()}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestSMTPSender(t *testing.T) {
	f := startSMTP(t)
	s := &notify.SMTPSender{Addr: f.addr, From: "数字政府平台 <noreply@gd.gov.cn>", Timeout: 5 * time.Second,
		Now: func() time.Time { return t0 }}
	ctx := context.Background()
	m := notify.Message{NotificationID: "n1", UserID: "u1", To: "zhang@example.cn", Title: "请补正材料（办理时限已暂停）",
		Body: "“测试事项”（办件编号 N-1）需要您补齐补正材料。", Link: "/cases/c1", Urgent: true}
	if err := s.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	var got [2]string
	select {
	case got = <-f.mail:
	case <-time.After(5 * time.Second):
		t.Fatal("no mail arrived")
	}
	if got[0] != "zhang@example.cn" {
		t.Errorf("envelope recipient %q", got[0])
	}
	msg, err := mail.ReadMessage(strings.NewReader(got[1]))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != m.Title {
		t.Errorf("subject %q (%v), want %q", subject, err, m.Title)
	}
	from, _ := msg.Header.AddressList("From")
	if len(from) != 1 || from[0].Name != "数字政府平台" || from[0].Address != "noreply@gd.gov.cn" {
		t.Errorf("from %v", from)
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, msg.Body))
	if err != nil || !strings.Contains(string(body), m.Body) || !strings.Contains(string(body), "/cases/c1") {
		t.Errorf("body %q (%v)", body, err)
	}

	// Without an address nothing is sent (accounts have none yet).
	m.To = ""
	if err := s.Send(ctx, m); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-f.mail:
		t.Errorf("mail sent without an address: %v", got)
	case <-time.After(100 * time.Millisecond):
	}
	// A header injection attempt in the address is refused.
	m.To = "a@example.cn\r\nBcc: b@example.cn"
	if err := s.Send(ctx, m); err == nil {
		t.Error("an address with a line break was accepted")
	}
}
