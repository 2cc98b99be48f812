package web

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/license"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// licenseFieldRow is one printed field of a licence.
type licenseFieldRow struct{ Label, Value string }

// licenseView is a licence with what pages show beside it.
type licenseView struct {
	*license.License
	TypeName string
	Fields   []licenseFieldRow
	Expired  bool
}

func (s *Server) licenseViewOf(r *http.Request, l *license.License) licenseView {
	typ := l.TypeInfo()
	lang := state(r.Context()).Lang
	v := licenseView{License: l, TypeName: typ.Name, Expired: l.Expired(time.Now())}
	if lang == "en" && typ.NameEn != "" {
		v.TypeName = typ.NameEn
	}
	seen := map[string]bool{}
	for _, f := range typ.Fields {
		if val, ok := l.Fields[f.Name]; ok {
			label := f.Label
			if lang == "en" {
				label = f.LabelEn
			}
			v.Fields = append(v.Fields, licenseFieldRow{label, val})
			seen[f.Name] = true
		}
	}
	var rest []string
	for k := range l.Fields {
		if !seen[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		v.Fields = append(v.Fields, licenseFieldRow{s.msgs.T(lang, "license.extra."+k), l.Fields[k]})
	}
	return v
}

// qrDataURI renders text as a QR code PNG in a data: URI (the CSP allows
// data: images).
func qrDataURI(text string, size int) (string, error) {
	png, err := qrcode.Encode(text, qrcode.Low, size)
	if err != nil {
		return "", errs.E(errs.Invalid, "license.qr_too_long")
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), nil
}

// handleVerifyForm is the public verifier page.
func (s *Server) handleVerifyForm(w http.ResponseWriter, r *http.Request) error {
	return s.rd.render(w, r, "license_verify", &page{Title: "verify.title", Data: map[string]any{}})
}

// handleVerify verifies pasted text (a licence JWS or a QR code's text) and
// shows the verdict with its reason. Nothing pasted answers the form with
// its error.
func (s *Server) handleVerify(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	text := strings.TrimSpace(r.PostForm.Get("text"))
	qr := r.PostForm.Get("qr") == "1"
	p := &page{Title: "verify.title", Form: r.PostForm}
	if text == "" {
		// No text: a photo or screenshot of the QR code instead.
		scanned, bad := scannedCode(r, "image")
		if bad != "" {
			p.Status, p.Errors = http.StatusUnprocessableEntity, map[string]string{"image": bad}
			p.Data = map[string]any{}
			return s.rd.render(w, r, "license_verify", p)
		}
		if link, ok := documentLink(scanned); ok {
			http.Redirect(w, r, link, http.StatusSeeOther)
			return nil
		}
		text, qr = scanned, qr || scanned != ""
	}
	if text == "" {
		p.Status, p.Errors = http.StatusUnprocessableEntity, map[string]string{"text": "form.required"}
		p.Data = map[string]any{}
		return s.rd.render(w, r, "license_verify", p)
	}
	res := s.licenses.Verify(r.Context(), text, qr)
	p.Data = map[string]any{"Result": res, "Sentence": s.verdictSentence(state(r.Context()).Lang, res)}
	return s.rd.render(w, r, "license_verify", p)
}

// handleStatusList serves a signed status list credential. Caches may keep
// it StatusTTL; the node reads its bits at most StatusTTL apart: a
// revocation shows within a minute. Last-Modified is when it was signed,
// which changes only with its bits (or its renewal).
func (s *Server) handleStatusList(w http.ResponseWriter, r *http.Request) error {
	jws, made, err := s.licenses.StatusList(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vc+jwt")
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(int(license.StatusTTL/time.Second)))
	w.Header().Set("Last-Modified", made.UTC().Format(http.TimeFormat))
	w.Header().Set("Access-Control-Allow-Origin", "*")
	_, err = w.Write([]byte(jws))
	return err
}

// handleWallet lists the holder's licences (卡包).
func (s *Server) handleWallet(w http.ResponseWriter, r *http.Request) error {
	list, err := s.licenses.Wallet(r.Context(), caller(r))
	if err != nil {
		return err
	}
	views := make([]licenseView, len(list))
	for i := range list {
		views[i] = s.licenseViewOf(r, &list[i])
	}
	return s.rd.render(w, r, "wallet", &page{Title: "wallet.title", Face: identity.FacePortal, Data: map[string]any{"Licenses": views}})
}

// handleWalletLicense opens one licence: its fields, the seal, the QR code
// of the credential and the 亮证 button.
func (s *Server) handleWalletLicense(w http.ResponseWriter, r *http.Request) error {
	return s.renderWalletLicense(w, r, ids.ID(r.PathValue("id")), "", time.Time{}, nil)
}

func (s *Server) renderWalletLicense(w http.ResponseWriter, r *http.Request, id ids.ID, code string, exp time.Time, err error) error {
	l, gerr := s.licenses.Get(r.Context(), caller(r), id)
	if gerr != nil {
		return gerr
	}
	data := map[string]any{"License": s.licenseViewOf(r, l), "GrantedCase": r.Context().Value(grantedKey{})}
	if mine, err := s.cases.Mine(r.Context(), caller(r), 50); err == nil {
		var open []cases.Case
		for _, c := range mine {
			if c.Open() && c.Number != "" {
				open = append(open, c)
			}
		}
		data["Cases"] = open
	}
	if code != "" {
		qr, qerr := qrDataURI(code, 320)
		if qerr != nil {
			return qerr
		}
		data["PresentQR"], data["PresentCode"], data["PresentExpires"] = qr, code, exp
	}
	p := &page{Title: "wallet.license_title", Face: identity.FacePortal, Data: data}
	if e := errs.As(err); e != nil {
		p.Status, p.Errors, p.Args = status(e), map[string]string{"form": e.Msg}, e.Args
		if len(e.Fields) > 0 {
			p.Errors = errorsOf(e)
		}
	}
	return s.rd.render(w, r, "wallet_license", p)
}

// handlePresent makes a 亮证 code and shows it as a QR code.
func (s *Server) handlePresent(w http.ResponseWriter, r *http.Request) error {
	id := ids.ID(r.PathValue("id"))
	code, exp, err := s.licenses.Present(r.Context(), caller(r), id)
	if errs.Is(err, errs.Conflict) {
		return s.renderWalletLicense(w, r, id, "", time.Time{}, err)
	}
	if err != nil {
		return err
	}
	return s.renderWalletLicense(w, r, id, code, exp, nil)
}

// handleIssuedLicenses lists what the officer's organisation issued, with
// the issue form.
func (s *Server) handleIssuedLicenses(w http.ResponseWriter, r *http.Request) error {
	return s.renderIssued(w, r, nil)
}

func (s *Server) renderIssued(w http.ResponseWriter, r *http.Request, err error) error {
	list, lerr := s.licenses.Issued(r.Context(), caller(r), 200)
	if lerr != nil {
		return lerr
	}
	org, oerr := s.id.Organization(r.Context(), caller(r).OrgID)
	if oerr != nil {
		return oerr
	}
	var types []license.Type
	for _, t := range license.Types {
		if t.Department == org.Department {
			types = append(types, t)
		}
	}
	views := make([]licenseView, len(list))
	for i := range list {
		views[i] = s.licenseViewOf(r, &list[i])
	}
	chosen := r.PostForm.Get("type")
	if chosen == "" {
		chosen = r.URL.Query().Get("type")
	}
	var typ *license.Type
	for i := range types {
		if types[i].Key == chosen || (chosen == "" && i == 0) {
			typ = &types[i]
		}
	}
	p := &page{Title: "license.issued_title", Face: identity.FaceWorkbench, Data: map[string]any{
		"Licenses": views, "Types": types, "Type": typ, "Org": org}}
	if e := errs.As(err); e != nil {
		p.Status, p.Errors, p.Args, p.Form = status(e), errorsOf(e), e.Args, r.PostForm
		if len(e.Fields) == 0 {
			p.Errors = map[string]string{"form": e.Msg}
		}
	}
	return s.rd.render(w, r, "license_issued", p)
}

// handleIssueLicense issues a licence from the form.
func (s *Server) handleIssueLicense(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	fields := map[string]string{}
	for k, v := range f {
		if name, ok := strings.CutPrefix(k, "field_"); ok && len(v) > 0 {
			fields[name] = v[0]
		}
	}
	l, err := s.licenses.Issue(r.Context(), caller(r), license.IssueInput{Type: f.Get("type"), HolderID: f.Get("holder"), Fields: fields})
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict || c == errs.Forbidden || c == errs.NotFound {
		return s.renderIssued(w, r, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/licenses/"+string(l.ID), http.StatusSeeOther)
	return nil
}

// handleIssuedLicense shows a licence to the issuing officer, with the
// status actions.
func (s *Server) handleIssuedLicense(w http.ResponseWriter, r *http.Request) error {
	return s.renderIssuedLicense(w, r, ids.ID(r.PathValue("id")), nil)
}

func (s *Server) renderIssuedLicense(w http.ResponseWriter, r *http.Request, id ids.ID, err error) error {
	l, gerr := s.licenses.Get(r.Context(), caller(r), id)
	if gerr != nil {
		return gerr
	}
	p := &page{Title: "license.detail_title", Face: identity.FaceWorkbench, Data: map[string]any{"License": s.licenseViewOf(r, l)}}
	if e := errs.As(err); e != nil {
		p.Status, p.Errors, p.Args, p.Form = status(e), errorsOf(e), e.Args, r.PostForm
		if len(e.Fields) == 0 {
			p.Errors = map[string]string{"form": e.Msg}
		}
	}
	return s.rd.render(w, r, "license_detail", p)
}

// handleLicenseAction suspends, revokes or reinstates a licence.
func (s *Server) handleLicenseAction(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	_, err := s.licenses.Act(r.Context(), caller(r), id, license.Action(r.PostForm.Get("action")), r.PostForm.Get("reason"))
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict {
		return s.renderIssuedLicense(w, r, id, err)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench/licenses/"+string(id), http.StatusSeeOther)
	return nil
}

// handleLicensePDF downloads a licence as a PDF with its seal and the QR
// code of its signed reference: a registered sealed document, whose
// detached signature is at /documents/{id}/signature.
func (s *Server) handleLicensePDF(w http.ResponseWriter, r *http.Request) error {
	d, err := s.licenses.PDFDocument(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.FileName()+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(d.PDF)
	return err
}

// handleTrustList serves this node's signed trust list (证照互认).
func (s *Server) handleTrustList(w http.ResponseWriter, r *http.Request) error {
	jws, issued, err := s.licenses.TrustList(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Last-Modified", issued.UTC().Format(http.TimeFormat))
	w.Header().Set("Content-Type", "application/jose")
	w.Header().Set("Content-Disposition", `attachment; filename="trust-list.jws"`)
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err = w.Write([]byte(jws))
	return err
}

// handleTrustedKeys lists the keys imported from other nodes' trust lists,
// with the import form.
func (s *Server) handleTrustedKeys(w http.ResponseWriter, r *http.Request) error {
	return s.renderTrustedKeys(w, r, nil, -1)
}

// handleRemoveTrustSource withdraws trust from one imported source.
func (s *Server) handleRemoveTrustSource(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	n, err := s.licenses.RemoveTrustSource(r.Context(), caller(r), r.PostForm.Get("source"))
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.NotFound {
		return s.renderTrustedKeys(w, r, err, -1)
	}
	if err != nil {
		return err
	}
	ctx := context.WithValue(r.Context(), trustRemovedKey{}, n)
	return s.renderTrustedKeys(w, r.WithContext(ctx), nil, -1)
}

// trustRemovedKey carries the number of keys just withdrawn to the page.
type trustRemovedKey struct{}

func (s *Server) renderTrustedKeys(w http.ResponseWriter, r *http.Request, err error, imported int) error {
	sources, kerr := s.licenses.TrustSources(r.Context(), caller(r))
	if kerr != nil {
		return kerr
	}
	var keys []license.TrustedKey
	for _, src := range sources {
		keys = append(keys, src.Keys...)
	}
	p := &page{Title: "trust.title", Face: identity.FaceWorkbench, Data: map[string]any{"Keys": keys, "Sources": sources,
		"Imported": imported, "Removed": r.Context().Value(trustRemovedKey{})}}
	if e := errs.As(err); e != nil {
		p.Status, p.Errors, p.Args = status(e), errorsOf(e), e.Args
		if len(e.Fields) == 0 {
			p.Errors = map[string]string{"form": e.Msg}
		}
	}
	return s.rd.render(w, r, "trust_lists", p)
}

// handleImportTrustList imports another node's trust list, pasted or
// uploaded.
func (s *Server) handleImportTrustList(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	text := r.PostForm.Get("list")
	if f, _, err := r.FormFile("file"); err == nil {
		b, err := io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
		if err != nil {
			return err
		}
		text = string(b)
	}
	n, err := s.licenses.ImportTrustList(r.Context(), caller(r), text)
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Forbidden || c == errs.Conflict {
		return s.renderTrustedKeys(w, r, err, -1)
	}
	if err != nil {
		return err
	}
	return s.renderTrustedKeys(w, r, nil, n)
}

// grantedKey carries the number of the case just granted to the page.
type grantedKey struct{}

// handleGrant lets the authority of one of the holder's open cases use the
// licence (用证授权, 免提交).
func (s *Server) handleGrant(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	id := ids.ID(r.PathValue("id"))
	g, err := s.licenses.GrantForCase(r.Context(), caller(r), id, ids.ID(r.PostForm.Get("case")))
	if c := errs.CodeOf(err); c == errs.Invalid || c == errs.Conflict {
		return s.renderWalletLicense(w, r, id, "", time.Time{}, err)
	}
	if err != nil {
		return err
	}
	ctx := context.WithValue(r.Context(), grantedKey{}, string(g.CaseID))
	return s.renderWalletLicense(w, r.WithContext(ctx), id, "", time.Time{}, nil)
}

// handlePointOfUseForm is the point-of-use page of the 电子社保卡: scan the
// holder's 亮证 code, pick the scenario and the place.
func (s *Server) handlePointOfUseForm(w http.ResponseWriter, r *http.Request) error {
	if err := identity.Authorize(caller(r), identity.PermWorkbench, ""); err != nil {
		return err
	}
	return s.rd.render(w, r, "social_card", &page{Title: "socialcard.title", Face: identity.FaceWorkbench,
		Data: map[string]any{"Scenarios": license.Scenarios}})
}

// handlePointOfUse verifies the code and records the use when valid.
func (s *Server) handlePointOfUse(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	f := r.PostForm
	p := &page{Title: "socialcard.title", Face: identity.FaceWorkbench, Form: f, Data: map[string]any{"Scenarios": license.Scenarios}}
	code := f.Get("code")
	if strings.TrimSpace(code) == "" {
		// The holder's code scanned with the counter's camera.
		scanned, bad := scannedCode(r, "image")
		if bad != "" {
			p.Status, p.Errors = http.StatusUnprocessableEntity, map[string]string{"image": bad}
			return s.rd.render(w, r, "social_card", p)
		}
		code = scanned
	}
	res, err := s.licenses.PointOfUse(r.Context(), caller(r), code, f.Get("scenario"), f.Get("place"))
	if e := errs.As(err); e != nil && e.Code == errs.Invalid {
		p.Status, p.Errors, p.Args = status(e), errorsOf(e), e.Args
		return s.rd.render(w, r, "social_card", p)
	}
	if err != nil {
		return err
	}
	p.Data.(map[string]any)["Result"], p.Data.(map[string]any)["Sentence"] = res, s.verdictSentence(state(r.Context()).Lang, res.Result)
	return s.rd.render(w, r, "social_card", p)
}
