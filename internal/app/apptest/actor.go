package apptest

import "github.com/digigov/digigov/internal/audit"

func auditActor(name string) audit.Actor { return audit.System(name) }
