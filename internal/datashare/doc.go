// Package datashare is the government data catalog (政务信息资源目录), the
// sharing of its resources between bodies, and the audited exchange that
// serves them.
//
// A body's chief data officer (首席数据官, CDO: a staff grant with
// data.manage) registers the body's data resources: a code, a name, the
// fields with their types and sensitivity, a sharing class (无条件共享,
// 有条件共享 with its conditions, 不予共享 with its legal basis) and an open
// class (无条件开放, 有条件开放, 不予开放). Changing the fields makes a new
// schema version; the old ones stay readable. The CDO loads a resource's
// rows from a CSV or JSON upload: all rows load or none do, and a refused
// upload lists every row in error with its line number.
//
// An officer of another body (data.request) asks for a resource with a
// purpose, a legal basis, the fields needed and a period. The provider's
// CDO decides within ten working days: approve (possibly fewer fields) or
// refuse with a reason. Requests for 无条件共享 resources are approved at
// once. An approval makes an access grant; the requesting body collects its
// system credential (delivery), a secret shown once and stored only as a
// hash. The provider may revoke a grant; it also ends at its expiry.
// 需求满足率 is the share of decided requests that were approved and
// delivered.
//
// The exchange serves a grant's rows: only the granted fields, sensitive
// fields masked, in pages, within the grant's rate. Every call, refusals
// included, is written to a message log in the manner of X-Road: caller,
// resource, request hash, response hash, time and outcome, each entry
// chained to the one before by its hash and signed with the node's
// exchange key, so that provider and consumer can both check their
// entries and the chain.
package datashare
