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
// market page and API.
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
// it as a sealed document with the issuer body's seal, through the
// Notary interface: today a signed statement (canonical JSON and the
// seal's signature), which anyone can verify on the certificate's public
// page; a PDF facility can take its place behind the same interface.
//
// Every state change is written to the audit log in its transaction.
// Outside the caller's scope a record answers "not found".
package market
