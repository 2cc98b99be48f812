package seal

import (
	"context"
	"time"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/platform/errs"
)

// PurposeTimestamp is the purpose of the node's timestamp key: it signs
// the timestamp tokens (签章时间证明) that travel with sealed documents
// (sealdoc), so that another node can tell a document sealed before its
// seal was revoked from one sealed after.
const PurposeTimestamp = "timestamp"

// TimestampAlg is the timestamp key's algorithm: SM2 with SM3, as seals
// by default.
const TimestampAlg = SM2

// NodeKey is a key of the node itself, no seal's: the timestamp key. Its
// private half is kept by the Vault, as seal keys' are.
type NodeKey struct {
	KID        string
	Purpose    string
	Alg        Alg
	Public     JWK
	PrivateEnc []byte
	State      KeyState // active | retired
	CreatedAt  time.Time
}

// NodeKeyStore is the persistence of node keys.
type NodeKeyStore interface {
	// ActiveNodeKey returns the active key of purpose; errs.NotFound if none.
	ActiveNodeKey(ctx context.Context, purpose string) (*NodeKey, error)
	// CreateNodeKey inserts k; errs.Conflict if purpose has an active key.
	CreateNodeKey(ctx context.Context, k *NodeKey) error
	// NodeKeys lists the active and retired keys of purpose, oldest first.
	NodeKeys(ctx context.Context, purpose string) ([]NodeKey, error)
	// RevokedSealKeys lists every revoked seal key with its seal.
	RevokedSealKeys(ctx context.Context) ([]PublishedKey, error)
}

// TimestampSigner returns the signer of the node's timestamp key, made
// (in the Vault, audited as "node_key.created") the first time any
// process of the node needs one.
func (s *Service) TimestampSigner(ctx context.Context) (Signer, error) {
	if sg := s.tsSigner.Load(); sg != nil {
		return *sg, nil
	}
	st, ok := s.store.(NodeKeyStore)
	if !ok {
		return nil, errs.Errorf(errs.Internal, "seal: the store keeps no node keys")
	}
	for range 2 {
		k, err := st.ActiveNodeKey(ctx, PurposeTimestamp)
		if err == nil {
			sg, err := s.vault.Open(k.Alg, k.KID, k.PrivateEnc)
			if err != nil {
				return nil, err
			}
			if err := checkOpened(sg, k.KID); err != nil {
				return nil, err
			}
			s.tsSigner.Store(&sg)
			return sg, nil
		}
		if !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		sg, blob, err := s.vault.Generate(TimestampAlg)
		if err != nil {
			return nil, err
		}
		pub, err := PublicJWK(sg.Alg(), sg.Public())
		if err != nil {
			return nil, err
		}
		pub.Kid, pub.Alg, pub.Use = sg.KeyID(), string(sg.Alg()), "sig"
		nk := &NodeKey{KID: sg.KeyID(), Purpose: PurposeTimestamp, Alg: sg.Alg(), Public: pub, PrivateEnc: blob,
			State: KeyActive, CreatedAt: s.clock()}
		err = s.tx.Transact(ctx, func(ctx context.Context) error {
			if err := st.CreateNodeKey(ctx, nk); err != nil {
				return err
			}
			return s.audit.Record(ctx, audit.System("节点时间戳密钥"), "node_key.created",
				audit.Target{Type: "node_key", ID: nk.KID}, map[string]any{"purpose": nk.Purpose, "alg": nk.Alg})
		})
		if errs.Is(err, errs.Conflict) {
			continue // another process made one first: use that one
		}
		if err != nil {
			return nil, err
		}
		s.gen.Add(1)
		s.tsSigner.Store(&sg)
		return sg, nil
	}
	return nil, errs.Errorf(errs.Internal, "seal: no timestamp key after two tries")
}

// TimestampKeys returns the node's timestamp keys (active and retired) as
// public JWKs, with status, for its trust list.
func (s *Service) TimestampKeys(ctx context.Context) ([]JWK, error) {
	st, ok := s.store.(NodeKeyStore)
	if !ok {
		return nil, nil
	}
	list, err := st.NodeKeys(ctx, PurposeTimestamp)
	if err != nil {
		return nil, err
	}
	out := make([]JWK, 0, len(list))
	for _, k := range list {
		j := k.Public
		j.Kid, j.Alg, j.Status = k.KID, string(k.Alg), string(k.State)
		out = append(out, j)
	}
	return out, nil
}

// RevokedKeys returns the node's revoked seal keys as public JWKs with
// their organisation, seal and revocation time (RevokedAt), for its trust
// list: another node then knows since when a key no longer seals, and
// accepts what it sealed before with a timestamp token. A JWKS leaves
// them out (a standard verifier must not accept them).
func (s *Service) RevokedKeys(ctx context.Context) ([]JWK, error) {
	st, ok := s.store.(NodeKeyStore)
	if !ok {
		return nil, nil
	}
	list, err := st.RevokedSealKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]JWK, 0, len(list))
	for _, p := range list {
		j := p.Key.Public
		j.Kid, j.Org, j.OrgUSCC, j.SealID, j.SealName, j.Status = p.Key.KID, p.Seal.OrgName, p.Seal.OrgUSCC, string(p.Seal.ID), p.Seal.Title(), string(p.Key.State)
		if !p.Key.RevokedAt.IsZero() {
			j.RevokedAt = p.Key.RevokedAt.UTC().Format(time.RFC3339Nano)
		}
		out = append(out, j)
	}
	return out, nil
}

// UseEntry returns the audit entry that records use useID (its sequence
// number and hash), within ctx's transaction if any: a timestamp token
// names it, so that the token ties the signing time to the audit chain.
func (s *Service) UseEntry(ctx context.Context, useID string) (int64, string, error) {
	e, err := s.store.AuditEntryOf(ctx, "seal_use", useID)
	if err != nil {
		return 0, "", err
	}
	return e.Seq, e.Hash, nil
}
