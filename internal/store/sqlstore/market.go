package sqlstore

import (
	"time"

	"context"
	"encoding/json"
	"strings"

	"github.com/digigov/digigov/internal/market"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

var _ market.Store = (*Store)(nil)

// The market keeps each record as a JSON document (doc) beside the
// columns its lists filter on; an update is conditional on the state it
// was decided on, so that of two decisions made at once one wins.

// changed turns an update that matched no row into errs.Conflict.
func changed(res interface{ RowsAffected() (int64, error) }, key string) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return errs.E(errs.Conflict, key)
	}
	return nil
}

func docOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func scanDoc[T any](sc interface{ Scan(...any) error }, what string) (*T, error) {
	var doc string
	if err := sc.Scan(&doc); err != nil {
		return nil, notFound(err, what)
	}
	var v T
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		return nil, err
	}
	return &v, nil
}

func queryDocs[T any](ctx context.Context, s *Store, q string, args ...any) ([]T, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scanDoc[T](rows, "")
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

func productSearch(p *market.Product) string {
	return strings.ToLower(p.Name + " " + p.Description + " " + p.Provider)
}

func (s *Store) CreateProduct(ctx context.Context, p *market.Product) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateProduct(%q)", p.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO market_products (id, provider_id, region_code, theme, state, name, search, doc, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.ProviderID, p.Region, p.Theme, p.State, p.Name, productSearch(p), docOf(p),
		p.CreatedAt.UTC(), p.UpdatedAt.UTC())
	return err
}

func (s *Store) UpdateProduct(ctx context.Context, p *market.Product, was market.ProductState) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateProduct(%q)", p.ID)
	res, err := s.db.Exec(ctx, `UPDATE market_products SET theme = ?, state = ?, name = ?, search = ?, doc = ?, updated_at = ?
		WHERE id = ? AND state = ?`, p.Theme, p.State, p.Name, productSearch(p), docOf(p), p.UpdatedAt.UTC(), p.ID, was)
	if err != nil {
		return err
	}
	return changed(res, "market.product_changed")
}

func (s *Store) EditProduct(ctx context.Context, p *market.Product, version time.Time) (err error) {
	defer errs.Wrap(&err, "sqlstore.EditProduct(%q)", p.ID)
	res, err := s.db.Exec(ctx, `UPDATE market_products SET theme = ?, name = ?, search = ?, doc = ?, updated_at = ?
		WHERE id = ? AND state = ? AND updated_at = ?`, p.Theme, p.Name, productSearch(p), docOf(p), p.UpdatedAt.UTC(), p.ID,
		p.State, version.UTC())
	if err != nil {
		return err
	}
	return changed(res, "market.product_changed")
}

func (s *Store) Product(ctx context.Context, id ids.ID) (_ *market.Product, err error) {
	defer errs.Wrap(&err, "sqlstore.Product(%q)", id)
	return scanDoc[market.Product](s.db.QueryRow(ctx, `SELECT doc FROM market_products WHERE id = ?`, id), "market.product")
}

func (s *Store) Products(ctx context.Context, q market.ProductQuery) (_ []market.Product, err error) {
	defer errs.Wrap(&err, "sqlstore.Products")
	where, args := []string{"1 = 1"}, []any{}
	if q.ProviderID != "" {
		where, args = append(where, "provider_id = ?"), append(args, q.ProviderID)
	}
	if q.Theme != "" {
		where, args = append(where, "theme = ?"), append(args, q.Theme)
	}
	if q.State != "" {
		where, args = append(where, "state = ?"), append(args, q.State)
	}
	if q.Text != "" {
		where, args = append(where, "search LIKE ? ESCAPE '\\'"), append(args, "%"+likeEscape(strings.ToLower(q.Text))+"%")
	}
	return queryDocs[market.Product](ctx, s, `SELECT doc FROM market_products WHERE `+strings.Join(where, " AND ")+
		` ORDER BY updated_at DESC, id LIMIT ? OFFSET ?`, append(args, q.Limit, q.Offset)...)
}

func (s *Store) CreateOrder(ctx context.Context, o *market.Order) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateOrder(%q)", o.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO market_orders (id, product_id, provider_id, buyer_id, region_code, state, doc, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.ProductID, o.ProviderID, o.BuyerID, o.Region, o.State, docOf(o), o.CreatedAt.UTC())
	return err
}

func (s *Store) UpdateOrder(ctx context.Context, o *market.Order, was market.OrderState) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateOrder(%q)", o.ID)
	res, err := s.db.Exec(ctx, `UPDATE market_orders SET state = ?, doc = ? WHERE id = ? AND state = ?`, o.State, docOf(o), o.ID, was)
	if err != nil {
		return err
	}
	return changed(res, "market.order_decided")
}

func (s *Store) Order(ctx context.Context, id ids.ID) (_ *market.Order, err error) {
	defer errs.Wrap(&err, "sqlstore.Order(%q)", id)
	return scanDoc[market.Order](s.db.QueryRow(ctx, `SELECT doc FROM market_orders WHERE id = ?`, id), "market.order")
}

func (s *Store) Orders(ctx context.Context, f market.OrderFilter) (_ []market.Order, err error) {
	defer errs.Wrap(&err, "sqlstore.Orders")
	where, args := []string{}, []any{}
	if f.ProviderID != "" {
		where, args = append(where, "provider_id = ?"), append(args, f.ProviderID)
	}
	if f.BuyerID != "" {
		where, args = append(where, "buyer_id = ?"), append(args, f.BuyerID)
	}
	if len(where) == 0 {
		return nil, nil
	}
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, f.State)
	}
	return queryDocs[market.Order](ctx, s, `SELECT doc FROM market_orders WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, f.Limit)...)
}

func (s *Store) CreateContract(ctx context.Context, c *market.Contract) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateContract(%q)", c.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO market_contracts (id, order_id, provider_id, buyer_id, state, doc, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.ID, c.OrderID, c.ProviderID, c.BuyerID, c.State, docOf(c), c.CreatedAt.UTC())
	return conflict(err, "market.contract")
}

func (s *Store) UpdateContract(ctx context.Context, c *market.Contract, was market.ContractState) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateContract(%q)", c.ID)
	res, err := s.db.Exec(ctx, `UPDATE market_contracts SET state = ?, doc = ? WHERE id = ? AND state = ?`, c.State, docOf(c), c.ID, was)
	if err != nil {
		return err
	}
	return changed(res, "market.contract_changed")
}

func (s *Store) Contract(ctx context.Context, id ids.ID) (_ *market.Contract, err error) {
	defer errs.Wrap(&err, "sqlstore.Contract(%q)", id)
	return scanDoc[market.Contract](s.db.QueryRow(ctx, `SELECT doc FROM market_contracts WHERE id = ?`, id), "market.contract")
}

func (s *Store) CreateCertificate(ctx context.Context, c *market.Certificate) (err error) {
	defer errs.Wrap(&err, "sqlstore.CreateCertificate(%q)", c.ID)
	_, err = s.db.Exec(ctx, `INSERT INTO market_certificates (id, holder_id, region_code, state, doc, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ID, c.HolderID, c.Region, c.State, docOf(c), c.CreatedAt.UTC())
	return err
}

func (s *Store) UpdateCertificate(ctx context.Context, c *market.Certificate, was market.CertState) (err error) {
	defer errs.Wrap(&err, "sqlstore.UpdateCertificate(%q)", c.ID)
	res, err := s.db.Exec(ctx, `UPDATE market_certificates SET state = ?, doc = ? WHERE id = ? AND state = ?`, c.State, docOf(c), c.ID, was)
	if err != nil {
		return err
	}
	return changed(res, "market.certificate_decided")
}

func (s *Store) Certificate(ctx context.Context, id ids.ID) (_ *market.Certificate, err error) {
	defer errs.Wrap(&err, "sqlstore.Certificate(%q)", id)
	return scanDoc[market.Certificate](s.db.QueryRow(ctx, `SELECT doc FROM market_certificates WHERE id = ?`, id), "market.certificate")
}

func (s *Store) Certificates(ctx context.Context, holderID ids.ID, st market.CertState, limit int) (_ []market.Certificate, err error) {
	defer errs.Wrap(&err, "sqlstore.Certificates")
	where, args := []string{"1 = 1"}, []any{}
	if holderID != "" {
		where, args = append(where, "holder_id = ?"), append(args, holderID)
	}
	if st != "" {
		where, args = append(where, "state = ?"), append(args, st)
	}
	return queryDocs[market.Certificate](ctx, s, `SELECT doc FROM market_certificates WHERE `+strings.Join(where, " AND ")+
		` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, limit)...)
}
