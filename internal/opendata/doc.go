// Package opendata is the open-data portal (公共数据开放): datasets opened
// to the public, each with its resources (CSV, JSON and XLSX downloads), a
// licence, tags, themes (CKAN groups) and the publishing organisation; and
// the data requests (数据需求) people file for data not yet open.
//
// A body's CDO publishes a catalog resource whose open class is 无条件开放:
// the dataset serves its public fields only, read from the catalog's rows
// at download time, so it stays current when the CDO loads new rows.
// Datasets imported in bulk (the scale generator, other portals) carry
// their own CSV content.
//
// Search runs on an index held in memory and kept current from the
// database: every change to a dataset takes the next revision number, and
// before answering, the index loads the datasets whose revision is above
// the last it saw. Any number of nodes can serve search this way, each
// catching up on its own. The CKAN Action API and DCAT views in web are
// faces of this package.
package opendata
