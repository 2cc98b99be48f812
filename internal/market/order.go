package market

import (
	"time"

	"github.com/digigov/digigov/internal/platform/ids"
	"github.com/digigov/digigov/internal/region"
)

// OrderState is where an order stands.
type OrderState string

const (
	OrderPending  OrderState = "pending"  // awaiting the provider's answer
	OrderAccepted OrderState = "accepted" // a contract was concluded
	OrderRefused  OrderState = "refused"
)

// DecideDays is the deadline for the provider's answer, in working days,
// as for sharing requests.
const DecideDays = 10

// Order is an enterprise's order of a product.
type Order struct {
	ID            ids.ID      `json:"id"`
	ProductID     ids.ID      `json:"product_id"`
	ProductName   string      `json:"product_name"`
	ProviderID    ids.ID      `json:"provider_id"`
	Provider      string      `json:"provider"`
	Region        region.Code `json:"region"` // the provider's
	BuyerID       ids.ID      `json:"buyer_id"`
	Buyer         string      `json:"buyer"`
	BuyerUSCC     string      `json:"buyer_uscc"`
	AgentID       ids.ID      `json:"agent_id"`
	AgentName     string      `json:"agent_name"`
	Purpose       string      `json:"purpose"`        // one of the policy's purposes
	PurposeDetail string      `json:"purpose_detail"` // how the buyer will use the data
	Price         Price       `json:"price"`
	Amount        int64       `json:"amount"` // fen up front (subscriptions)
	State         OrderState  `json:"state"`
	Due           time.Time   `json:"due"`
	DecidedByID   ids.ID      `json:"decided_by_id,omitempty"`
	DecidedBy     string      `json:"decided_by,omitempty"`
	DecidedAt     time.Time   `json:"decided_at,omitzero"`
	Reason        string      `json:"reason,omitempty"`
	ContractID    ids.ID      `json:"contract_id,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
}

// Overdue reports whether a pending order is past its deadline at now.
func (o *Order) Overdue(now time.Time) bool { return o.State == OrderPending && now.After(o.Due) }

// OrderInput is what ordering takes.
type OrderInput struct {
	ProductID     ids.ID
	Purpose       string
	PurposeDetail string
}

// OrderFilter selects orders: of a provider or of a buyer.
type OrderFilter struct {
	ProviderID ids.ID
	BuyerID    ids.ID
	State      OrderState
	Limit      int
}
