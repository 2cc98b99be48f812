// Package open311 holds what the Open311 GeoReport v2 face keeps beyond
// events themselves: the API keys Open311 clients report with (issued
// from the key page, stored hashed, audited) and the media_url a client
// gave with a request (its own URL for the photo, stored as given, never
// fetched). The events themselves are governance's; this package reports
// through governance.Service.Report, in one transaction with what it
// stores.
package open311
