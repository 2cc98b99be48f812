package web

import (
	"io"
	"net/http"
	"strings"

	"github.com/digigov/digigov/internal/cases"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sealdoc"
)

// handleDocumentVerifyForm is the public verifier of sealed documents. A
// QR code on a document opens it with ?n=<number>: the page then says
// whether this node issued that number, and asks for the file to compare.
func (s *Server) handleDocumentVerifyForm(w http.ResponseWriter, r *http.Request) error {
	data := map[string]any{}
	if n := strings.TrimSpace(r.URL.Query().Get("n")); n != "" {
		data["Verdict"], data["Number"] = s.documents.Lookup(r.Context(), n), n
	}
	return s.rd.render(w, r, "sealdoc_verify", &page{Title: "sealdoc.verify_title", Data: data})
}

// handleDocumentVerify checks an uploaded PDF against its signature,
// uploaded or pasted, or against the node's register when none is given.
func (s *Server) handleDocumentVerify(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	p := &page{Title: "sealdoc.verify_title", Form: r.PostForm, Data: map[string]any{}}
	pdf, err := formFile(r, "pdf", sealdoc.MaxPDF)
	if err != nil {
		return err
	}
	sig := r.PostForm.Get("signature")
	if b, err := formFile(r, "signature_file", 64<<10); err != nil {
		return err
	} else if len(b) > 0 {
		sig = string(b)
	}
	if len(pdf) == 0 {
		p.Status, p.Errors = http.StatusUnprocessableEntity, map[string]string{"pdf": "form.required"}
		return s.rd.render(w, r, "sealdoc_verify", p)
	}
	p.Data = map[string]any{"Verdict": s.documents.Verify(r.Context(), pdf, sig), "Uploaded": true}
	return s.rd.render(w, r, "sealdoc_verify", p)
}

// formFile reads an uploaded file of at most limit bytes; nil if none was
// sent. A larger file is the sender's fault (413).
func formFile(r *http.Request, name string, limit int64) ([]byte, error) {
	f, _, err := r.FormFile(name)
	if err != nil {
		return nil, nil
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errs.E(errs.TooLarge, "sealdoc.too_large")
	}
	return b, nil
}

// handleDocumentPDF downloads a sealed document.
func (s *Server) handleDocumentPDF(w http.ResponseWriter, r *http.Request) error {
	d, err := s.documents.PDF(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.FileName()+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(d.PDF)
	return err
}

// handleDocumentSignature downloads a document's detached signature (a
// compact JWS, see sealdoc.Statement) with, on the next line, the node's
// timestamp token (sealdoc.Timestamp): the bundle the verifier accepts.
func (s *Server) handleDocumentSignature(w http.ResponseWriter, r *http.Request) error {
	d, err := s.documents.Get(r.Context(), caller(r), ids.ID(r.PathValue("id")))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/jose")
	w.Header().Set("Content-Disposition", `attachment; filename="`+d.FileName()+`.jws"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write([]byte(d.Bundle()))
	return err
}

// caseDocuments lists the sealed documents of a case the caller may read
// (its decision), for the case page; none when the listing fails.
func (s *Server) caseDocuments(r *http.Request, c *cases.Case) []sealdoc.Signed {
	if s.documents == nil {
		return nil
	}
	list, err := s.documents.ForRef(r.Context(), caller(r), sealdoc.CaseRef(c.ID))
	if err != nil {
		return nil
	}
	return list
}
