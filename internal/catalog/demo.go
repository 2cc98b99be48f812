package catalog

import (
	_ "embed"
	"encoding/json"
)

//go:embed data/items.json
var demoItems []byte

// DemoItems returns the demo catalog: real high-frequency items of
// Guangdong, compiled from public service guides (data/README.md). Demo
// deployments import it; a real deployment maintains its own catalog.
func DemoItems() ([]Item, error) {
	var items []Item
	err := json.Unmarshal(demoItems, &items)
	return items, err
}
