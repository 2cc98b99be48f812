package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/digigov/digigov/internal/platform/qrscan"
)

// scannedCode reads the QR code in the picture uploaded as field: a phone
// camera's photo (the verifier pages' file input has capture, so a phone
// opens its camera) or a screenshot. It returns "" and no error key when
// no picture was sent, and the message key of a field error when the
// picture cannot be read.
func scannedCode(r *http.Request, field string) (text, errKey string) {
	if r.MultipartForm == nil {
		return "", ""
	}
	fhs := r.MultipartForm.File[field]
	if len(fhs) == 0 || fhs[0].Size == 0 {
		return "", ""
	}
	f, err := fhs[0].Open()
	if err != nil {
		return "", "scan.not_image"
	}
	defer f.Close()
	text, err = qrscan.Decode(f)
	switch {
	case errors.Is(err, qrscan.ErrTooLarge):
		return "", "scan.too_large"
	case errors.Is(err, qrscan.ErrNotImage):
		return "", "scan.not_image"
	case err != nil:
		return "", "scan.no_code"
	}
	return strings.TrimSpace(text), ""
}

// documentLink is the path of a sealed document's verification link when
// text is one (the QR on a 决定书 holds its node's /documents/verify URL):
// the licence verifier sends such a scan there instead of failing it. Only
// the path and query are kept, so this can never redirect off the node.
func documentLink(text string) (string, bool) {
	u, err := url.Parse(text)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Path != "/documents/verify" {
		return "", false
	}
	return (&url.URL{Path: u.Path, RawQuery: u.RawQuery}).String(), true
}
