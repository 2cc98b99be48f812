package market

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
	"github.com/digigov/digigov/internal/seal"
)

// ContractState is where a contract stands.
type ContractState string

const (
	ContractSigned     ContractState = "provider_signed" // sealed by the provider, awaiting the buyer's confirmation
	ContractActive     ContractState = "active"          // confirmed by both: data is delivered until EndsAt
	ContractTerminated ContractState = "terminated"
)

// Terms are what a contract freezes: the parties, the product with its
// fields, the terms, the usage policy, the price and the period. Its
// canonical JSON is the contract's text, whose SHA-256 both parties sign.
type Terms struct {
	Contract     ids.ID      `json:"contract"`
	Order        ids.ID      `json:"order"`
	Provider     string      `json:"provider"`
	ProviderID   ids.ID      `json:"provider_id"`
	Buyer        string      `json:"buyer"`
	BuyerUSCC    string      `json:"buyer_uscc"`
	Product      string      `json:"product"`
	ProductID    ids.ID      `json:"product_id"`
	Sources      []Source    `json:"sources"`
	Purpose      string      `json:"purpose"`
	Detail       string      `json:"purpose_detail"`
	Terms        string      `json:"terms"`
	Policy       Policy      `json:"policy"`
	Price        Price       `json:"price"`
	Amount       int64       `json:"amount_fen"`
	StartsAt     time.Time   `json:"starts_at"`
	EndsAt       time.Time   `json:"ends_at"`
	Jurisdiction region.Code `json:"jurisdiction"`
}

// Canonical is the text of the terms: JSON with the fields in their
// declared order, no insignificant space, times in UTC.
func (t *Terms) Canonical() []byte {
	b, _ := json.Marshal(t)
	return b
}

// Hash is the SHA-256 (hex) of a contract text.
func Hash(text []byte) string {
	h := sha256.Sum256(text)
	return hex.EncodeToString(h[:])
}

// Sealing is a seal's signature on a document.
type Sealing struct {
	SealID    ids.ID    `json:"seal_id"`
	SealName  string    `json:"seal_name"`
	Org       string    `json:"org"`
	KID       string    `json:"kid"`
	Alg       seal.Alg  `json:"alg"`
	Signature string    `json:"signature"` // base64 of the signature over the document's bytes
	UseID     ids.ID    `json:"use_id"`    // the seal's use log entry
	SignedBy  string    `json:"signed_by"`
	SignedAt  time.Time `json:"signed_at"`
}

// Delivery is one access grant a contract made.
type Delivery struct {
	GrantID      ids.ID   `json:"grant_id"`
	ResourceCode string   `json:"resource_code"`
	Fields       []string `json:"fields"`
}

// Contract is a concluded data contract.
type Contract struct {
	ID              ids.ID        `json:"id"`
	OrderID         ids.ID        `json:"order_id"`
	ProductID       ids.ID        `json:"product_id"`
	ProductName     string        `json:"product_name"`
	ProviderID      ids.ID        `json:"provider_id"`
	Provider        string        `json:"provider"`
	Region          region.Code   `json:"region"`
	BuyerID         ids.ID        `json:"buyer_id"`
	Buyer           string        `json:"buyer"`
	Text            string        `json:"text"` // Terms.Canonical, as signed
	TextHash        string        `json:"text_hash"`
	ProviderSeal    Sealing       `json:"provider_seal"`
	BuyerConfirmed  time.Time     `json:"buyer_confirmed,omitzero"`
	BuyerAgent      string        `json:"buyer_agent,omitempty"`
	BuyerHash       string        `json:"buyer_hash,omitempty"` // the text hash the buyer confirmed
	Deliveries      []Delivery    `json:"deliveries,omitempty"`
	StartsAt        time.Time     `json:"starts_at"`
	EndsAt          time.Time     `json:"ends_at"`
	State           ContractState `json:"state"`
	TerminatedAt    time.Time     `json:"terminated_at,omitzero"`
	TerminatedBy    string        `json:"terminated_by,omitempty"`
	TerminateReason string        `json:"terminate_reason,omitempty"`
	CreatedAt       time.Time     `json:"created_at"`
}

// Terms returns the frozen terms.
func (c *Contract) Terms() (*Terms, error) {
	var t Terms
	return &t, json.Unmarshal([]byte(c.Text), &t)
}

// Status names c's state at now, "expired" included.
func (c *Contract) Status(now time.Time) string {
	if c.State == ContractActive && !now.Before(c.EndsAt) {
		return "expired"
	}
	return string(c.State)
}

// Origin is what the contract's grants are born of (datashare.DirectGrant).
func (c *Contract) Origin() string { return "market_contract:" + string(c.ID) }
