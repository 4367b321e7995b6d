package extract

import (
	"bytes"
	"fmt"
	"go/types"
	"strings"

	"github.com/modgen-dev/modgen/generator/tree"
)

// LoadBothWays loads cfg's module through loadSource (falling back as load
// does) and through the full load alone. It returns a dump of each
// contract, and why the first fell back (nil when loadSource vouched).
func LoadBothWays(cfg Config) (fast, full string, fellBack, err error) {
	c, err := load(cfg)
	if err != nil {
		return "", "", nil, err
	}
	fast, fellBack = dumpContract(c), c.fallback
	fullLoadOnly = true
	defer func() { fullLoadOnly = false }()
	c, err = load(cfg)
	if err != nil {
		return "", "", nil, err
	}
	return fast, dumpContract(c), fellBack, nil
}

// GenerateBothWays runs Generate with loadSource and with the full load
// alone, and returns the paths of the files that differ, and each error.
func GenerateBothWays(cfg Config) (diff []string, fastErr, fullErr error) {
	fast, fastErr := Generate(cfg)
	fullLoadOnly = true
	defer func() { fullLoadOnly = false }()
	full, fullErr := Generate(cfg)
	return diffFiles(fast, full), fastErr, fullErr
}

// dumpContract writes down everything the generators read of c, types by
// their full name, so that two loads of one module compare as text.
func dumpContract(c *contract) string {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	p("package %s %s service %s proto %s", c.pkgPath, c.pkgName, c.service, c.protoPkg)
	for _, m := range c.methods {
		p("method %s variadic=%t doc=%q", m.name, m.variadic, m.doc)
		for _, v := range m.params {
			p("  param %s", dumpValue(v))
		}
		for _, v := range m.results {
			p("  result %s", dumpValue(v))
		}
	}
	for _, m := range c.messages {
		p("message %s %v doc=%q", m.name, m.goRef, m.doc)
		for _, f := range m.fields {
			p("  field %s", dumpValue(f))
		}
	}
	p("sentinels %v validation %v project %+v", c.sentinels, c.validation, c.project)
	ms := c.module
	p("module ok=%t missing=%q deps=%v hasLog=%t", ms.ok, ms.missing, ms.deps, ms.hasLog)
	for _, st := range ms.stubs {
		p("  stub %s %s %s", st.field, types.TypeString(st.iface, nil), types.TypeString(st.iface.Underlying(), nil))
	}
	if cr := c.crud; cr != nil {
		p("crud %s %s %s %s limit=%s label=%s fields=%+v", cr.entity, cr.input, cr.page, cr.params, dumpType(cr.limit), cr.label, cr.fields)
	}
	return b.String()
}

func dumpValue(v *value) string {
	return fmt.Sprintf("%s %s doc=%q %s", v.goName, v.protoName, v.doc, dumpType(v.typ))
}

func dumpType(t *typ) string {
	if t == nil {
		return "-"
	}
	s := fmt.Sprintf("{kind=%d go=%s named=%v basic=%d", t.kind, types.TypeString(t.goTyp, nil), t.named, t.basic)
	if t.msg != nil {
		s += " msg=" + t.msg.name
	}
	return s + " elem=" + dumpType(t.elem) + " key=" + dumpType(t.key) + "}"
}

// diffFiles lists the paths whose files differ between a and b, or are in
// only one of them.
func diffFiles(a, b []tree.File) []string {
	byPath := map[string][]byte{}
	for _, f := range b {
		byPath[f.Path] = f.Content
	}
	var diff []string
	for _, f := range a {
		other, ok := byPath[f.Path]
		if !ok || !bytes.Equal(other, f.Content) {
			diff = append(diff, f.Path)
		}
		delete(byPath, f.Path)
	}
	for path := range byPath {
		diff = append(diff, path)
	}
	return diff
}
