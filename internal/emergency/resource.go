package emergency

import (
	"context"
	"fmt"

	"github.com/digigov/digigov/internal/audit"
	"github.com/digigov/digigov/internal/identity"
	"github.com/digigov/digigov/internal/platform/errs"
	"github.com/digigov/digigov/internal/platform/ids"
)

// ResourceInput registers a resource.
type ResourceInput struct {
	Kind     ResourceKind
	Name     string
	Region   string
	Address  string
	Lat, Lon float64
	Quantity int // people a shelter holds, members of a team, units of a supply
	Unit     string
}

// CreateResource registers a shelter, team or supply. Needs event.command
// over its region.
//
// Returns errs.Invalid with every bad field, errs.NotFound if the region is
// outside by's scope.
func (s *Service) CreateResource(ctx context.Context, by *identity.Caller, in ResourceInput) (*Resource, error) {
	if err := identity.Authorize(by, identity.PermEventCommand, ""); err != nil {
		return nil, err
	}
	r, err := s.checkResource(in)
	if err != nil {
		return nil, err
	}
	if err := identity.Authorize(by, identity.PermEventCommand, r.Region); err != nil {
		return nil, err
	}
	return s.createResource(ctx, by, r)
}

// CreateResourceAs registers a resource for a trusted actor (demo data, the
// command line).
func (s *Service) CreateResourceAs(ctx context.Context, actor audit.Actor, in ResourceInput) (*Resource, error) {
	r, err := s.checkResource(in)
	if err != nil {
		return nil, err
	}
	return s.createResource(ctx, actor, r)
}

func (s *Service) checkResource(in ResourceInput) (*Resource, error) {
	in.Name, in.Address, in.Unit = clean(in.Name), clean(in.Address), clean(in.Unit)
	bad := map[string]string{}
	if !in.Kind.Valid() {
		bad["kind"] = "form.choice"
	}
	checkText(bad, "name", in.Name, true, MaxTitle)
	checkText(bad, "address", in.Address, false, MaxTitle)
	checkText(bad, "unit", in.Unit, false, 20)
	if in.Quantity <= 0 || in.Quantity > 100_000_000 {
		bad["quantity"] = "emergency.quantity_invalid"
	}
	if in.Lat == 0 && in.Lon == 0 {
		bad["lat"] = "emergency.coordinate_required"
	}
	code := s.checkPlace(bad, in.Region, in.Lat, in.Lon)
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return &Resource{ID: ids.New(), Kind: in.Kind, Name: in.Name, Region: code, Address: in.Address, Lat: in.Lat,
		Lon: in.Lon, Quantity: in.Quantity, Unit: in.Unit}, nil
}

func (s *Service) createResource(ctx context.Context, actor audit.Actor, r *Resource) (*Resource, error) {
	r.CreatedAt = s.clock()
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		if err := s.store.CreateEmergencyResource(ctx, r); err != nil {
			return err
		}
		return s.audit.Record(ctx, actor, "emergency.resource_created",
			audit.Target{Type: "emergency_resource", ID: string(r.ID), Region: string(r.Region)},
			map[string]any{"kind": r.Kind, "name": r.Name, "quantity": r.Quantity, "lat": r.Lat, "lon": r.Lon})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Resources lists the resources within by's read scope.
func (s *Service) Resources(ctx context.Context, by *identity.Caller) ([]Resource, error) {
	scopes := readScopes(by)
	if len(scopes) == 0 {
		return nil, identity.Authorize(by, identity.PermEventCommand, "")
	}
	return s.store.EmergencyResources(ctx, scopes)
}

// Deploy sends a resource (quantity of it; 0: all that is free) to an
// incident and publishes emergency.deployed. The resource must be within
// by's event.command scope, and no more than is free (its quantity less
// what is deployed to incidents not closed) can go.
//
// Returns errs.Invalid for a bad quantity or one beyond what is free
// ("emergency.quantity_exceeds"), errs.NotFound if the incident or the
// resource is outside by's scope, errs.Conflict if the incident is closed.
func (s *Service) Deploy(ctx context.Context, by *identity.Caller, incidentID, resourceID ids.ID, quantity int, note string) (*Deployment, error) {
	note = clean(note)
	bad := map[string]string{}
	checkText(bad, "note", note, false, MaxText)
	if quantity < 0 {
		bad["quantity"] = "emergency.quantity_invalid"
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	var d *Deployment
	err := s.tx.Transact(ctx, func(ctx context.Context) error {
		inc, err := s.command(ctx, by, incidentID, 0)
		if err != nil {
			return err
		}
		r, err := s.store.EmergencyResource(ctx, resourceID)
		if err != nil {
			return err
		}
		if identity.Authorize(by, identity.PermEventCommand, r.Region) != nil {
			return errs.E(errs.NotFound, "emergency.resource.not_found")
		}
		used, err := s.store.ResourceDeployed(ctx, r.ID)
		if err != nil {
			return err
		}
		free := r.Quantity - used
		if quantity == 0 {
			quantity = free
		}
		if quantity <= 0 || quantity > free {
			return errs.Fields(map[string]string{"quantity": "emergency.quantity_exceeds"})
		}
		now := s.clock()
		d = &Deployment{ID: ids.New(), IncidentID: inc.ID, ResourceID: r.ID, ResourceName: r.Name, Kind: r.Kind,
			Lat: r.Lat, Lon: r.Lon, Quantity: quantity, Unit: r.Unit, Note: note, ByName: by.Name, At: now}
		if err := s.store.CreateDeployment(ctx, d); err != nil {
			return err
		}
		if err := s.entry(ctx, by, inc.ID, "deployed", fmt.Sprintf("%s ×%d%s %s", r.Name, quantity, r.Unit, note), now); err != nil {
			return err
		}
		if err := s.audit.Record(ctx, by, "emergency.deployed", target(inc),
			map[string]any{"resource": r.ID, "quantity": quantity}); err != nil {
			return err
		}
		return s.store.AddOutbox(ctx, "emergency.deployed", map[string]any{"id": inc.ID, "resource": r.ID,
			"kind": r.Kind, "quantity": quantity, "region": inc.Region}, now)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
