package web

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"

	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// handleMarketCertificates lists the body's data asset certificates, the
// requests awaiting an issuer, and the form to ask for one.
func (s *Server) handleMarketCertificates(w http.ResponseWriter, r *http.Request) error {
	return s.renderMarketCertificates(w, r, nil)
}

func (s *Server) renderMarketCertificates(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	ctx, by := r.Context(), caller(r)
	mine, awaiting, err := s.market.Certificates(ctx, by)
	if err != nil {
		return err
	}
	products, err := s.market.MyProducts(ctx, by)
	if err != nil {
		return err
	}
	resources, err := s.market.Resources(ctx, by)
	if err != nil {
		return err
	}
	p := &page{Title: "market.certificates_title", Face: identity.FaceWorkbench, Data: map[string]any{
		"Mine": mine, "Awaiting": awaiting, "Products": products, "Resources": resources}}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "market_certificates", p)
}

func (s *Server) handleMarketCertificateRequest(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	kind, id, _ := strings.Cut(r.PostFormValue("asset"), ":")
	c, err := s.market.RequestCertificate(r.Context(), caller(r), market.CertificateInput{AssetKind: kind, AssetID: ids.ID(id),
		AssetName: r.PostFormValue("asset_name"), Scope: r.PostFormValue("scope"), ValuationNote: r.PostFormValue("valuation_note")})
	if e := formRefusal(err); e != nil {
		return s.renderMarketCertificates(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/certificates/"+string(c.ID), http.StatusSeeOther)
	return nil
}

// marketCertView is what a certificate's page shows.
type marketCertView struct {
	Cert      *market.Certificate
	Statement *market.Statement
	OK        bool
	Reason    string
	Issuer    bool // the caller may issue or refuse it
	Pasted    bool // the outcome is of a pasted document
}

func (s *Server) handleMarketCertificate(w http.ResponseWriter, r *http.Request) error {
	return s.renderMarketCertificate(w, r, nil)
}

func (s *Server) renderMarketCertificate(w http.ResponseWriter, r *http.Request, refused *errs.Error) error {
	ctx, by := r.Context(), caller(r)
	c, err := s.market.CertificateOf(ctx, by, ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	v := &marketCertView{Cert: c, Issuer: c.State == market.CertRequested && market.CanCertify(by)}
	if c.Document != nil {
		var st market.Statement
		if err := json.Unmarshal([]byte(c.Document.Document), &st); err != nil {
			return err
		}
		v.Statement = &st
		if v.OK, v.Reason, err = s.market.Verify(ctx, c.Document); err != nil {
			return err
		}
	}
	p := &page{Title: "market.certificate_title", Face: marketFace(by), Data: v}
	if refused != nil {
		p.Status, p.Errors, p.Args, p.Form = status(refused), errorsOf(refused), refused.Args, r.PostForm
	}
	return s.rd.render(w, r, "market_certificate", p)
}

func (s *Server) handleMarketCertificateIssue(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c, err := s.market.IssueCertificate(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if e := formRefusal(err); e != nil {
		return s.renderMarketCertificate(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/certificates/"+string(c.ID), http.StatusSeeOther)
	return nil
}

func (s *Server) handleMarketCertificateRefuse(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	c, err := s.market.RefuseCertificate(r.Context(), caller(r), ids.ID(r.PathValue("id")), r.PostFormValue("reason"))
	if e := formRefusal(err); e != nil {
		return s.renderMarketCertificate(w, r, e)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/market/certificates/"+string(c.ID), http.StatusSeeOther)
	return nil
}

// handleMarketCertificateDownload sends an issued certificate's sealed
// document as JSON.
func (s *Server) handleMarketCertificateDownload(w http.ResponseWriter, r *http.Request) error {
	c, err := s.market.CertificateOf(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	if c.Document == nil {
		return errs.E(errs.NotFound, "market.certificate.not_found")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="certificate-`+c.Number+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c.Document)
}

// handleMarketVerify checks a sealed document someone pasted or uploaded
// (a downloaded certificate file), whoever they are.
func (s *Server) handleMarketVerify(w http.ResponseWriter, r *http.Request) error {
	p := &page{Title: "market.verify_title", Face: identity.FacePortal, Data: map[string]any{}}
	if r.Method == http.MethodPost {
		if err := parseForm(r); err != nil {
			return err
		}
		text := r.PostFormValue("document")
		if f, _, err := r.FormFile("file"); err == nil {
			b, _ := io.ReadAll(io.LimitReader(f, 1<<20))
			f.Close()
			text = string(b)
		}
		var d market.Sealed
		ok, reason := false, "market.verify.malformed"
		if json.Unmarshal([]byte(text), &d) == nil {
			var err error
			if ok, reason, err = s.market.Verify(r.Context(), &d); err != nil {
				return err
			}
		}
		data := map[string]any{"Checked": true, "OK": ok, "Reason": reason}
		var st market.Statement
		if ok && json.Unmarshal([]byte(d.Document), &st) == nil {
			data["Statement"] = &st
			data["Seal"] = d.Seal
		}
		p.Data = data
	}
	return s.rd.render(w, r, "market_verify", p)
}
