package region_test

import (
	"testing"

	"github.com/digigov/digigov/internal/region"
)

func BenchmarkLookup(b *testing.B) {
	tree := region.Embedded()
	for b.Loop() {
		if _, ok := tree.Lookup("440106001001"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkWithin(b *testing.B) {
	a, scope := region.Code("440106001001"), region.Code("4401")
	for b.Loop() {
		if !region.Within(a, scope) {
			b.Fatal("not within")
		}
	}
}

func BenchmarkDescendantsGuangzhouVillages(b *testing.B) {
	tree := region.Embedded()
	for b.Loop() {
		if len(tree.Descendants("4401", region.Village)) != 2851 {
			b.Fatal("wrong count")
		}
	}
}

func BenchmarkChildren(b *testing.B) {
	tree := region.Embedded()
	for b.Loop() {
		tree.Children("4419") // through the pseudo-county 441900
	}
}

func BenchmarkFullName(b *testing.B) {
	tree := region.Embedded()
	for b.Loop() {
		tree.FullName("440106001001")
	}
}

func BenchmarkSearch(b *testing.B) {
	tree := region.Embedded()
	for b.Loop() {
		tree.Search("天河", 20)
	}
}

// BenchmarkEmbeddedLoad measures what Embedded costs on first use: gunzip,
// split and build the tree.
func BenchmarkEmbeddedLoad(b *testing.B) {
	for b.Loop() {
		if _, err := region.ParseEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}
