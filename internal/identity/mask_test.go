package identity

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// fmtAll prints v with every fmt verb a careless caller might use, alone and
// inside a struct. (%x is left out: hex digits could match by chance.)
func fmtAll(v any) string {
	type wrapper struct{ V any }
	return fmt.Sprintf("%v|%s|%q|%d|%#v|%+v|%20s|%-20v|%v|%+v|%#v", v, v, v, v, v, v, v, v,
		wrapper{v}, wrapper{v}, wrapper{v})
}

func TestMaskIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"12345", "*****"},
		{"1234567890", "**********"},       // keeping 6+4 would hide nothing
		{"4401061990031", "*************"}, // 13: would hide only 3
		{"44010619900312", "440106****0312"},
		{"440106900307123", "440106*****7123"}, // legacy 15-digit number
		{"440106199003071234", "440106********1234"},
		{"44010619900307123x", "440106********123x"},
		{"４４０１０６1990030712３４", "４４０１０６********12３４"},
	}
	for _, tt := range tests {
		if got := MaskIDNumber(tt.in); got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"1234567", "*******"},
		{"12345678", "****5678"},
		{"13812345678", "138****5678"},
		{"+8613812345678", "**********5678"},
		{"020-12345678", "********5678"},
		{"１３８12345678", "１３８****5678"},
	}
	for _, tt := range tests {
		if got := MaskPhone(tt.in); got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParsePhone(t *testing.T) {
	valid := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"19912345678", "19912345678"},
		{"16612345678", "16612345678"},
		{" 13812345678\n", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"0086 13812345678", "13812345678"},
	}
	for _, tt := range valid {
		p, err := ParsePhone(tt.in)
		if err != nil || p.Clear() != tt.want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", tt.in, p.Clear(), err, tt.want)
			continue
		}
		if want := tt.want[:3] + "****5678"; p.Masked() != want {
			t.Errorf("Masked() = %q, want %q", p.Masked(), want)
		}
	}
	invalid := []string{
		"", "1381234567", "138123456789", "12812345678", "10012345678", "23812345678",
		"1381234567a", "１３８12345678", "+85213812345678", "8613812345678", "+86", "+86+8613812345678",
		"138.1234.5678", "+86 12812345678",
	}
	for _, in := range invalid {
		p, err := ParsePhone(in)
		wantKey(t, err, "phone.invalid")
		if p != "" {
			t.Errorf("ParsePhone(%q) returned %q alongside the error", in, p.Clear())
		}
	}
}

// TestNoClearValueInOutput is the point of the masked types: however a
// person's ID number or phone is printed, logged or encoded, only the masked
// form comes out.
func TestNoClearValueInOutput(t *testing.T) {
	id := MakeIDNumber("440106", date(1990, time.March, 7), 123)
	phone, err := ParsePhone("13812345678")
	if err != nil {
		t.Fatal(err)
	}
	type person struct {
		Name  string
		ID    IDNumber
		Phone Phone
	}
	p := person{Name: "张三", ID: id, Phone: phone}

	var jsonLog, textLog bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&jsonLog, nil), slog.NewTextHandler(&textLog, nil)} {
		log := slog.New(h)
		log.Info("applicant", "id", id, "phone", phone)
		log.Info("applicant", slog.Any("id", id), slog.Any("phone", phone), slog.Any("person", p), slog.Any("ptr", &p))
		log.Info("applicant", slog.Group("who", "id", id, "phone", phone))
		log.With("id", id).Info("applicant", "phone", &phone)
		log.Info("printf", "msg", fmt.Sprintf("%v %s %d %#v %x", id, phone, id, phone, id))
	}
	encoded, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{
		"slog JSON": jsonLog.String(),
		"slog text": textLog.String(),
		"json":      string(encoded),
		"fmt":       fmtAll(id) + fmtAll(phone) + fmtAll(p) + fmtAll(&p),
		"String":    id.String() + " " + phone.String(),
	}
	for name, out := range outputs {
		for _, v := range []struct{ clear, masked string }{
			{id.Clear(), "440106********" + id.Clear()[14:]},
			{phone.Clear(), "138****5678"},
		} {
			if strings.Contains(out, v.clear) {
				t.Errorf("%s output contains the clear value %s:\n%s", name, v.clear, out)
			}
			if !strings.Contains(out, v.masked) {
				t.Errorf("%s output lacks the masked value %s:\n%s", name, v.masked, out)
			}
		}
	}
	if got, want := fmt.Sprintf("%x", id), fmt.Sprintf("%x", id.Masked()); got != want {
		t.Errorf("%%x = %s, want the hex of the masked form %s", got, want)
	}
}

func TestUnmarshalTextAcceptsClearValues(t *testing.T) {
	id := MakeIDNumber("440106", date(1990, time.March, 7), 123)
	var in struct {
		ID    IDNumber
		Phone Phone
	}
	body := fmt.Sprintf(`{"ID": %q, "Phone": "138 1234 5678"}`, strings.ToLower(id.Clear()))
	if err := json.Unmarshal([]byte(body), &in); err != nil {
		t.Fatal(err)
	}
	if in.ID != id || in.Phone.Clear() != "13812345678" {
		t.Fatalf("decoded %q, %q", in.ID.Clear(), in.Phone.Clear())
	}
	// A masked value does not decode: round trips fail loudly.
	masked, _ := json.Marshal(in)
	if err := json.Unmarshal(masked, &in); err == nil {
		t.Fatal("decoding the masked form succeeded")
	}
	var p Phone
	wantKey(t, p.UnmarshalText([]byte("138****5678")), "phone.invalid")
	var bad IDNumber
	wantKey(t, bad.UnmarshalText([]byte("440106********1234")), "idnumber.format")
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{
		"13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "12812345678",
		"", "+86", "１３８12345678", "138****5678",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePhone(s)
		if err != nil {
			wantKey(t, err, "phone.invalid")
			return
		}
		if again, err := ParsePhone(p.Clear()); err != nil || again != p {
			t.Fatalf("re-parse of %q = %q, %v", p.Clear(), again.Clear(), err)
		}
		c := p.Clear()
		if want := c[:3] + "****" + c[7:]; p.Masked() != want || p.String() != want {
			t.Fatalf("Masked() = %q, String() = %q, want %q", p.Masked(), p.String(), want)
		}
		if out := fmtAll(p); strings.Contains(out, c) {
			t.Fatalf("fmt output %q contains %q", out, c)
		}
	})
}
