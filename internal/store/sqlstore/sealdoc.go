package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/sealdoc"
)

var _ sealdoc.Store = (*Store)(nil)

const documentCols = `id, number, kind, title, issuer_id, issuer_name, region, seal_id, kid, alg, pdf_sha256, pdf_size, jws,
	ref_type, ref_id, doc_key, holder_user, holder_person, holder_enterprise, signed_by, signed_at, superseded_by, superseded_at, tst`

func scanDocument(sc interface{ Scan(...any) error }) (*sealdoc.Signed, error) {
	var d sealdoc.Signed
	var superseded sql.NullTime
	if err := sc.Scan(&d.ID, &d.Number, &d.Kind, &d.Title, &d.IssuerID, &d.IssuerName, &d.Region, &d.SealID, &d.KID, &d.Alg,
		&d.PDFSHA256, &d.PDFSize, &d.JWS, &d.Ref.Type, &d.Ref.ID, &d.Key, &d.Holder.UserID, &d.Holder.PersonID,
		&d.Holder.EnterpriseID, &d.SignedBy, &d.SignedAt, &d.SupersededBy, &superseded, &d.TST); err != nil {
		return nil, err
	}
	d.SignedAt = utc(d.SignedAt)
	if superseded.Valid {
		d.SupersededAt = utc(superseded.Time)
	}
	return &d, nil
}

// NextDocumentSerial counts per prefix with an upsert: the row's lock
// (PostgreSQL) or the write lock (SQLite) makes concurrent callers wait
// for each other, so no serial is handed out twice.
func (s *Store) NextDocumentSerial(ctx context.Context, prefix string) (n int64, err error) {
	defer errs.Wrap(&err, "sqlstore.NextDocumentSerial(%q)", prefix)
	err = s.db.QueryRow(ctx, `INSERT INTO document_serials (prefix, last) VALUES (?, 1)
		ON CONFLICT (prefix) DO UPDATE SET last = document_serials.last + 1 RETURNING last`, prefix).Scan(&n)
	return n, err
}

func (s *Store) CreateDocument(ctx context.Context, d *sealdoc.Signed) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateDocument(%q)", d.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO documents (`+documentCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.Number, d.Kind, d.Title, d.IssuerID, d.IssuerName, d.Region, d.SealID, d.KID, d.Alg, d.PDFSHA256, d.PDFSize, d.JWS,
		d.Ref.Type, d.Ref.ID, d.Key, d.Holder.UserID, d.Holder.PersonID, d.Holder.EnterpriseID, d.SignedBy, d.SignedAt.UTC(),
		d.SupersededBy, nullTime(d.SupersededAt), d.TST)
	return conflict(err, "sealdoc")
}

func (s *Store) document(ctx context.Context, where string, args ...any) (*sealdoc.Signed, error) {
	d, err := scanDocument(s.db.QueryRow(ctx, `SELECT `+documentCols+` FROM documents WHERE `+where, args...))
	if err != nil {
		return nil, notFound(err, "sealdoc")
	}
	return d, nil
}

func (s *Store) Document(ctx context.Context, id ids.ID) (_ *sealdoc.Signed, err error) {
	defer errs.Wrap(&err, "sqlstore.Document(%q)", id)
	return s.document(ctx, `id = ?`, id)
}

func (s *Store) DocumentByNumber(ctx context.Context, number string) (_ *sealdoc.Signed, err error) {
	defer errs.Wrap(&err, "sqlstore.DocumentByNumber(%q)", number)
	return s.document(ctx, `number = ?`, number)
}

func (s *Store) DocumentByHash(ctx context.Context, sum string) (_ *sealdoc.Signed, err error) {
	defer errs.Wrap(&err, "sqlstore.DocumentByHash(%q)", sum)
	return s.document(ctx, `pdf_sha256 = ? ORDER BY signed_at LIMIT 1`, sum)
}

func (s *Store) DocumentByKey(ctx context.Context, issuerID ids.ID, key string) (_ *sealdoc.Signed, err error) {
	defer errs.Wrap(&err, "sqlstore.DocumentByKey(%q, %q)", issuerID, key)
	return s.document(ctx, `issuer_id = ? AND doc_key = ? AND doc_key <> ''`, issuerID, key)
}

func (s *Store) RefDocuments(ctx context.Context, ref sealdoc.Ref) (_ []sealdoc.Signed, err error) {
	defer errs.Wrap(&err, "sqlstore.RefDocuments(%q, %q)", ref.Type, ref.ID)
	rows, err := s.db.Query(ctx, `SELECT `+documentCols+` FROM documents WHERE ref_type = ? AND ref_id = ?
		ORDER BY signed_at DESC, id DESC LIMIT 100`, ref.Type, ref.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []sealdoc.Signed
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// SupersedeDocuments marks ref's documents of kind but exceptID as
// superseded by number.
func (s *Store) SupersedeDocuments(ctx context.Context, ref sealdoc.Ref, kind sealdoc.Kind, exceptID ids.ID, number string, at time.Time) (_ int, err error) {
	defer errs.Wrap(&err, "sqlstore.SupersedeDocuments(%q, %q)", ref.Type, ref.ID)
	res, err := s.db.Exec(ctx, `UPDATE documents SET superseded_by = ?, superseded_at = ?
		WHERE ref_type = ? AND ref_id = ? AND kind = ? AND id <> ? AND superseded_by = ''`, number, at.UTC(), ref.Type, ref.ID, kind, exceptID)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
