package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"time"
)

// SMTPSender mails messages through an SMTP relay (net/smtp). It uses
// STARTTLS when the server offers it, implicit TLS on port 465, and PLAIN
// authentication when User is set (net/smtp refuses to send a password
// over an unencrypted connection to anything but localhost). A message
// whose recipient has no address is skipped.
type SMTPSender struct {
	Addr     string        // host:port of the relay
	From     string        // sender address, optionally with a name: "数字政府平台 <noreply@example.gov.cn>"
	User     string        // "" for no authentication
	Password string        // from DIGIGOV_SMTP_PASSWORD_FILE
	Timeout  time.Duration // whole conversation; default 30 s
	TLS      *tls.Config   // nil: verify the relay's certificate for its host name
	Now      func() time.Time
}

// Send mails m to m.To; with no address it does nothing.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if m.To == "" {
		return nil
	}
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return fmt.Errorf("smtp: sender address: %w", err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("smtp: recipient address of notification %s: %w", m.NotificationID, err)
	}
	host, port, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("smtp: relay address %q: %w", s.Addr, err)
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tlsConf := s.TLS
	if tlsConf == nil {
		tlsConf = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	var conn net.Conn
	if port == "465" {
		conn, err = (&tls.Dialer{Config: tlsConf}).DialContext(ctx, "tcp", s.Addr)
	} else {
		conn, err = (&net.Dialer{}).DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline) // net/smtp takes no context: the deadline bounds every step
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && port != "465" {
		if err := c.StartTLS(tlsConf); err != nil {
			return fmt.Errorf("smtp: starttls: %w", err)
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return fmt.Errorf("smtp: auth: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("smtp: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("smtp: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp: DATA: %w", err)
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	if _, err := w.Write(compose(from, to, m, now())); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp: %w", err)
	}
	return c.Quit()
}

// compose builds the message: UTF-8 text, base64 encoded, with an
// RFC 2047 subject (which also keeps line breaks out of the headers).
func compose(from, to *mail.Address, m Message, now time.Time) []byte {
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", from.String())
	header("To", to.String())
	header("Subject", mime.BEncoding.Encode("utf-8", m.Title))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+string(m.NotificationID)+"@digigov>")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	text := m.Title + "\n\n" + m.Body + "\n"
	if m.Link != "" {
		text += "\n" + m.Link + "\n"
	}
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
