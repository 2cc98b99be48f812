package storetest_test

import "github.com/digigov/digigov/internal/region"

func regionOf(s string) region.Code { return region.Code(s) }
