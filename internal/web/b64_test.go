package web_test

import "encoding/base64"

func stdB64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func decodeB64URL(t interface{ Fatal(...any) }, s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
