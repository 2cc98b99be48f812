// Package market is the data market (数据要素市场): bodies list data
// products built on their catalog resources, enterprises order them, and
// a contract with a usage policy governs the delivery, which is an access
// grant of the exchange (datashare). It also issues data asset
// certificates (公共数据资产凭证).
//
// A body's chief data officer (market.list) lists a product: a name, a
// description, a theme, the resources it is built on and the fields it
// offers from each (sensitive fields are only ever served masked; fields
// of 不予共享 resources are never offered), terms, a usage policy (the
// purposes it may be used for, no resale or onward transfer, how many
// days the buyer may retain the data, the regions where it may be
// processed), a price (free, per call, or per month, in fen) and the
// service period in days. A product is a draft until published; it may be
// withdrawn and published again. Published products are on the public
// market page and API. Drafts and withdrawn products may be edited (Edit,
// with the same checks as List); a published one is withdrawn first. An
// edit names the version it was made from (the product's UpdatedAt, see
// Product.Version) and is refused with errs.Conflict if the product
// changed meanwhile; the store makes the check in the UPDATE itself.
//
// An enterprise agent (market.order) orders a published product for a
// purpose the policy allows. The provider's CDO accepts or refuses it with
// a reason within ten working days. Accepting concludes a contract: the
// product's terms and usage policy are frozen into the contract's text
// (canonical JSON), whose SHA-256 the provider's seal signs (seal.Service,
// recorded in the seal's use log). The buyer then confirms the same text
// hash; the contract is in force and each of the product's resources
// becomes an access grant of the exchange for the buyer, with the
// product's fields, until the contract's end. The credentials are shown
// once; the buyer may have them issued again, which voids the old ones.
// Either the provider or the buyer may terminate the contract with a
// reason, which revokes the grants at once. Calls under a contract are
// counted from the exchange's signed message log.
//
// A CDO asks for a data asset certificate for one of the body's products
// or resources (asset name, holder, data scope, record count, fields,
// valuation note). A CDO with market.certify over a whole province issues
// it as a sealed document with the issuer body's seal, through the Notary
// interface: in the node a PDF of the sealed-document facility
// (internal/sealdoc: the seal image, a QR code of the verifier, a detached
// JWS), issued at most once per certificate; where that facility is not
// configured, a signed statement (canonical JSON and the seal's
// signature). Issued certificates are public: anyone opens the page,
// downloads the PDF and its signature, and checks them.
//
// Everything the pages do is also in the JSON API under /api/v1/market
// (internal/web/api_market_write.go): the same service calls, so the same
// checks; credentials are in the answer of the call that made them only.
//
// Every state change is written to the audit log in its transaction.
// Outside the caller's scope a record answers "not found".
package market
