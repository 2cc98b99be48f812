package sqlstore

import (
	"context"
	"encoding/json"

	"github.com/digigov/digigov/internal/catalog"
	"github.com/digigov/digigov/internal/platform/errs"
)

var _ catalog.Store = (*Store)(nil)

func (s *Store) CatalogRevision(ctx context.Context) (rev int64, err error) {
	defer errs.Wrap(&err, "sqlstore.CatalogRevision")
	err = s.db.QueryRow(ctx, `SELECT rev FROM catalog_revision WHERE id = 1`).Scan(&rev)
	return rev, err
}

func (s *Store) ServiceItems(ctx context.Context) (_ []catalog.Item, err error) {
	defer errs.Wrap(&err, "sqlstore.ServiceItems")
	rows, err := s.db.Query(ctx, `SELECT doc FROM service_items ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Item
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var it catalog.Item
		if err := json.Unmarshal([]byte(doc), &it); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

func (s *Store) ServiceItem(ctx context.Context, code string) (_ *catalog.Item, err error) {
	defer errs.Wrap(&err, "sqlstore.ServiceItem(%q)", code)
	var doc string
	if err := s.db.QueryRow(ctx, `SELECT doc FROM service_items WHERE code = ?`, code).Scan(&doc); err != nil {
		return nil, notFound(err, "service_item")
	}
	var it catalog.Item
	if err := json.Unmarshal([]byte(doc), &it); err != nil {
		return nil, err
	}
	return &it, nil
}

func (s *Store) SaveServiceItem(ctx context.Context, it *catalog.Item) (err error) {
	defer errs.Wrap(&err, "sqlstore.SaveServiceItem(%q)", it.Code)
	doc, err := json.Marshal(it)
	if err != nil {
		return err
	}
	if it.Version == 1 {
		_, err = s.db.Exec(ctx, `INSERT INTO service_items (code, name, department, level, high_frequency, version, updated_at, doc)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, it.Code, it.Name, it.Department, it.Level, it.HighFrequency, it.Version, it.UpdatedAt.UTC(), string(doc))
		if err != nil {
			return conflict(err, "service_item")
		}
	} else {
		res, err := s.db.Exec(ctx, `UPDATE service_items SET name = ?, department = ?, level = ?, high_frequency = ?, version = ?, updated_at = ?, doc = ?
			WHERE code = ? AND version = ?`, it.Name, it.Department, it.Level, it.HighFrequency, it.Version, it.UpdatedAt.UTC(), string(doc), it.Code, it.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "catalog.changed")
		}
	}
	_, err = s.db.Exec(ctx, `UPDATE catalog_revision SET rev = rev + 1 WHERE id = 1`)
	return err
}

func (s *Store) ServiceBundles(ctx context.Context) (_ []catalog.Bundle, err error) {
	defer errs.Wrap(&err, "sqlstore.ServiceBundles")
	rows, err := s.db.Query(ctx, `SELECT doc FROM service_bundles ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []catalog.Bundle
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var b catalog.Bundle
		if err := json.Unmarshal([]byte(doc), &b); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (s *Store) SaveServiceBundle(ctx context.Context, b *catalog.Bundle) (err error) {
	defer errs.Wrap(&err, "sqlstore.SaveServiceBundle(%q)", b.Code)
	doc, err := json.Marshal(b)
	if err != nil {
		return err
	}
	if b.Version == 1 {
		_, err = s.db.Exec(ctx, `INSERT INTO service_bundles (code, name, version, updated_at, doc) VALUES (?, ?, ?, ?, ?)`,
			b.Code, b.Name, b.Version, b.UpdatedAt.UTC(), string(doc))
		if err != nil {
			return conflict(err, "service_bundle")
		}
	} else {
		res, err := s.db.Exec(ctx, `UPDATE service_bundles SET name = ?, version = ?, updated_at = ?, doc = ? WHERE code = ? AND version = ?`,
			b.Name, b.Version, b.UpdatedAt.UTC(), string(doc), b.Code, b.Version-1)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "catalog.changed")
		}
	}
	_, err = s.db.Exec(ctx, `UPDATE catalog_revision SET rev = rev + 1 WHERE id = 1`)
	return err
}
