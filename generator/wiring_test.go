package generator

import (
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
)

// TestWiringInputs: the cache key of a module's wiring tells apart every
// change of what the wiring templates read, and only those.
func TestWiringInputs(t *testing.T) {
	base := moduleWiring{Module: "github.com/acme/loja", M: tree.Module{Name: "pedidos", Entity: "Pedido", DependsOn: []string{"estoque"}},
		Deps: []tree.Module{{Name: "estoque", Entity: "Estoque"}}}
	same := base
	same.M.Fields, same.M.Subscribes = []string{}, []string{} // empty, not absent
	if base.inputs() != same.inputs() {
		t.Error("an empty list and an absent one give different inputs")
	}
	variants := map[string]func(w *moduleWiring){
		"module path":        func(w *moduleWiring) { w.Module = "github.com/acme/lojas" },
		"name":               func(w *moduleWiring) { w.M.Name = "pedido" },
		"entity":             func(w *moduleWiring) { w.M.Entity = "Order" },
		"name/entity border": func(w *moduleWiring) { w.M.Name, w.M.Entity = "pedidosP", "edido" },
		"a field":            func(w *moduleWiring) { w.M.Fields = []string{"sku:string"} },
		"field or dep":       func(w *moduleWiring) { w.M.DependsOn, w.M.Fields = nil, []string{"estoque"} },
		"two fields or one":  func(w *moduleWiring) { w.M.Fields = []string{"a", "b"} },
		"a subscription":     func(w *moduleWiring) { w.M.Subscribes = []string{"estoque.EstoqueCreated"} },
		"extracted":          func(w *moduleWiring) { w.M.Extracted = &tree.Extraction{Port: 50051} },
		"another port":       func(w *moduleWiring) { w.M.Extracted = &tree.Extraction{Port: 50052} },
		"dependency entity":  func(w *moduleWiring) { w.Deps = []tree.Module{{Name: "estoque", Entity: "Item"}} },
		"dependency extracted": func(w *moduleWiring) {
			w.Deps = []tree.Module{{Name: "estoque", Entity: "Estoque", Extracted: &tree.Extraction{Port: 50051}}}
		},
	}
	seen := map[string]string{base.inputs(): "base"}
	for name, change := range variants {
		w := base
		w.M.DependsOn = append([]string(nil), base.M.DependsOn...)
		change(&w)
		in := w.inputs()
		if other, ok := seen[in]; ok {
			t.Errorf("%s gives the same inputs as %s", name, other)
		}
		seen[in] = name
	}
	w := base
	w.M.Fields = []string{"a", "b"}
	v := base
	v.M.Fields = []string{"ab"}
	if w.inputs() == v.inputs() {
		t.Error(`fields [a b] and [ab] give the same inputs`)
	}
}
