package license

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ContextV2 is the base context of W3C Verifiable Credentials 2.0.
const ContextV2 = "https://www.w3.org/ns/credentials/v2"

// Credential is a licence or status list as a W3C Verifiable Credential
// 2.0 (the payload of its JWS, per VC-JOSE-COSE: the credential itself, no
// "vc" claim).
type Credential struct {
	Context          []any          `json:"@context"`
	ID               string         `json:"id,omitempty"`
	Type             []string       `json:"type"`
	Name             string         `json:"name,omitempty"`
	Issuer           CredIssuer     `json:"issuer"`
	ValidFrom        string         `json:"validFrom,omitempty"`
	ValidUntil       string         `json:"validUntil,omitempty"`
	Subject          map[string]any `json:"credentialSubject"`
	CredentialStatus []StatusEntry  `json:"credentialStatus,omitempty"`
}

// CredIssuer is a credential's issuer: the organisation whose seal signs.
type CredIssuer struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	USCC string `json:"uscc,omitempty"`
}

// StatusEntry is a BitstringStatusListEntry (W3C Bitstring Status List v1.0).
type StatusEntry struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

// Purposes of the two status lists every licence has an entry in.
const (
	PurposeRevocation = "revocation"
	PurposeSuspension = "suspension"
)

// ListSize is the number of entries of a status list: 131,072 (16 KiB),
// the minimum the specification sets so that one entry hides among many.
const ListSize = 131072

// listCounterMul spreads consecutive licences over a list: index =
// counter × listCounterMul mod ListSize, a bijection because the multiplier
// is odd and the size a power of two. Neighbouring entries then do not
// reveal that two licences were issued one after the other.
const listCounterMul = 0x2F0F1

// listIndex maps the n-th entry of a list to its index.
func listIndex(n int64) int { return int((n * listCounterMul) & (ListSize - 1)) }

// timeString writes a time as the XML Schema dateTime credentials use.
func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// parseTime reads a credential time; zero for "".
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339, s)
}

// Bitstring is a status list's bits: bit i is the i-th entry, the most
// significant bit of byte 0 first.
type Bitstring []byte

// NewBitstring returns n bits, all clear.
func NewBitstring(n int) Bitstring { return make(Bitstring, (n+7)/8) }

// Set sets bit i.
func (b Bitstring) Set(i int) { b[i/8] |= 0x80 >> (i % 8) }

// Get reports bit i; false beyond the end.
func (b Bitstring) Get(i int) bool { return i >= 0 && i/8 < len(b) && b[i/8]&(0x80>>(i%8)) != 0 }

// Encode is the encodedList of the specification: GZIP, then base64url
// without padding, with the Multibase prefix "u".
func (b Bitstring) Encode() string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return "u" + b64.EncodeToString(buf.Bytes())
}

// DecodeBitstring reverses Encode. It accepts lists of up to 16 MiB
// decompressed, so a crafted list cannot exhaust memory.
func DecodeBitstring(s string) (Bitstring, error) {
	s, ok := strings.CutPrefix(s, "u")
	if !ok {
		return nil, fmt.Errorf("encodedList: not multibase base64url")
	}
	raw, err := b64.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("encodedList: %w", err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, 16<<20+1))
	if err != nil || len(out) > 16<<20 {
		return nil, fmt.Errorf("encodedList: bad or oversized GZIP")
	}
	return out, nil
}

// StatusListCredential builds the credential of a status list, valid from
// now for validity; ttl is how long verifiers may cache it before they
// fetch it again (the list's ttl, in milliseconds).
func StatusListCredential(url string, issuer CredIssuer, purpose string, bits Bitstring, now time.Time, validity, ttl time.Duration) Credential {
	return Credential{
		Context:   []any{ContextV2},
		ID:        url,
		Type:      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		Issuer:    issuer,
		ValidFrom: timeString(now), ValidUntil: timeString(now.Add(validity)),
		Subject: map[string]any{"id": url + "#list", "type": "BitstringStatusList",
			"statusPurpose": purpose, "encodedList": bits.Encode(), "ttl": ttl.Milliseconds()},
	}
}

// entryIndex reads an entry's index.
func (e StatusEntry) index() (int, error) {
	n, err := strconv.Atoi(e.StatusListIndex)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("statusListIndex %q", e.StatusListIndex)
	}
	return n, nil
}

// marshal encodes a credential.
func (c Credential) marshal() ([]byte, error) { return json.Marshal(c) }
