package license

import (
	"context"
	"time"
)

// ReservationKeep is how long a block of status entries stays reserved
// (its status_reservations row kept) while some of its entries are unused.
const ReservationKeep = 24 * time.Hour

// PruneStatusReservations deletes the status_reservations rows that no
// longer guard anything, so the table does not grow with every 64
// licences: blocks whose every entry went to a licence (settled: the
// process that reserved one never asks about it again), and blocks
// reserved more than ReservationKeep ago.
//
// Deleting a row does not give its entries back (status_lists' counter
// only moves forward when a reservation commits), so it is safe whatever
// the block's state: a process still handing out a pruned block sees its
// row gone, takes it for rolled back and reserves a new block, leaving the
// rest of the old one unused — at most 63 of a list's 131,072 entries, a
// day after the reservation. A reservation not yet committed is invisible
// to the deleting transaction and is left alone. It returns how many rows
// it deleted.
func (s *Service) PruneStatusReservations(ctx context.Context) (int64, error) {
	return s.store.PruneStatusReservations(ctx, s.now().Add(-ReservationKeep))
}
