package sealdoc

import (
	"context"
	"io"

	"github.com/digigov/digigov/internal/platform/ids"
)

// PDFAs returns a document with its PDF to a trusted caller: a domain that
// publishes the documents it had issued (the data market's asset
// certificates are public). It checks no permission.
func (s *Service) PDFAs(ctx context.Context, id ids.ID) (*Signed, error) {
	d, err := s.store.Document(ctx, id)
	if err != nil {
		return nil, err
	}
	rc, _, err := s.blobs.Open(ctx, d.PDFSHA256)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if d.PDF, err = io.ReadAll(io.LimitReader(rc, MaxPDF+1)); err != nil {
		return nil, err
	}
	return d, nil
}
