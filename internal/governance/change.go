package governance

import (
	"sync"

	"github.com/digigov/digigov/internal/region"
)

// changeHook is who hears that events changed: the cockpit's live stream,
// which recomputes the figures of the regions touched at once instead of
// at its next periodic refresh (which is how changes made by other
// instances arrive).
type changeHook struct {
	mu sync.RWMutex
	fn func(regions []region.Code)
}

// OnChange sets the function called after events are reported or change
// state, with the regions of the events concerned. It is called after the
// commit, never inside a transaction, and must not block.
func (s *Service) OnChange(fn func(regions []region.Code)) {
	s.hook.mu.Lock()
	s.hook.fn = fn
	s.hook.mu.Unlock()
}

func (s *Service) changed(regions ...region.Code) {
	s.hook.mu.RLock()
	fn := s.hook.fn
	s.hook.mu.RUnlock()
	if fn != nil && len(regions) > 0 {
		fn(regions)
	}
}
