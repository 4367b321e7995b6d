package archrules

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// TestCyclesComponents compares cycles, which searches only inside strongly
// connected components, with the search it replaced, which tried every edge
// over the whole graph, on random graphs of modules: same violations, same
// edges marked.
func TestCyclesComponents(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	found := 0
	for n := range 400 {
		modules := 2 + rng.IntN(12)
		density := rng.Float64() * 0.4
		var edges []Edge
		for u := range modules {
			for v := range modules {
				if u != v && rng.Float64() < density {
					edges = append(edges, Edge{
						From: fmt.Sprintf("m%02d", u), To: fmt.Sprintf("m%02d", v),
						File: fmt.Sprintf("internal/m%02d/f.go", u), Line: 1 + rng.IntN(9),
						Event: rng.IntN(8) == 0,
					})
				}
			}
		}
		sort.Slice(edges, func(i, j int) bool {
			if edges[i].From != edges[j].From {
				return edges[i].From < edges[j].From
			}
			return edges[i].To < edges[j].To
		})
		want := append([]Edge(nil), edges...)
		wantVs := cyclesEveryEdge(want)
		gotVs := cycles(edges)
		if !reflect.DeepEqual(gotVs, wantVs) || !reflect.DeepEqual(edges, want) {
			t.Fatalf("graph %d: cycles = %v\nwant %v", n, gotVs, wantVs)
		}
		found += len(gotVs)
	}
	if found < 100 {
		t.Errorf("%d cycles in all the graphs; want graphs with cycles", found)
	}
}

// cyclesEveryEdge is cycles as it was before it used components.
func cyclesEveryEdge(edges []Edge) []Violation {
	next := map[string][]string{} // sorted, since edges are
	index := map[[2]string]int{}
	for i, e := range edges {
		if e.Event {
			continue
		}
		next[e.From] = append(next[e.From], e.To)
		index[[2]string{e.From, e.To}] = i
	}
	// parents[v] is the breadth-first tree from v: the shortest paths out of v.
	parents := map[string]map[string]string{}
	tree := func(v string) map[string]string {
		if p, ok := parents[v]; ok {
			return p
		}
		p := map[string]string{v: ""}
		queue := []string{v}
		for len(queue) > 0 {
			n := queue[0]
			queue = queue[1:]
			for _, m := range next[n] {
				if _, seen := p[m]; !seen {
					p[m] = n
					queue = append(queue, m)
				}
			}
		}
		parents[v] = p
		return p
	}
	var vs []Violation
	seen := map[string]bool{}
	for i := range edges {
		if edges[i].Event {
			continue
		}
		u, v := edges[i].From, edges[i].To
		p := tree(v)
		if _, ok := p[u]; !ok {
			continue
		}
		// The cycle is u, then v ... u along the tree, reversed from u.
		var back []string
		for n := u; n != v; n = p[n] {
			back = append(back, n)
		}
		cycle := []string{u, v}
		for j := len(back) - 1; j > 0; j-- {
			cycle = append(cycle, back[j])
		}
		start := 0
		for j, n := range cycle {
			if n < cycle[start] {
				start = j
			}
		}
		cycle = append(cycle[start:], cycle[:start]...)
		for j := range cycle {
			edges[index[[2]string{cycle[j], cycle[(j+1)%len(cycle)]}]].Cycle = true
		}
		printed := strings.Join(append(cycle, cycle[0]), " → ")
		if seen[printed] {
			continue
		}
		seen[printed] = true
		first := edges[index[[2]string{cycle[0], cycle[1]}]]
		vs = append(vs, Violation{first.File, first.Line, RuleCycle, fmt.Sprintf(
			"modules import each other in a cycle: %s; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)",
			printed)})
	}
	return vs
}
