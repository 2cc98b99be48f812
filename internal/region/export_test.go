package region

// ParseEmbedded parses the embedded file afresh, for BenchmarkEmbeddedLoad.
func ParseEmbedded() (*Tree, error) { return parseTSV(regionsGz) }
