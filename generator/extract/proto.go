package extract

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/bufbuild/protocompile/parser"
	"github.com/bufbuild/protocompile/reporter"
	"github.com/modgen-dev/modgen/generator/tree"
	"google.golang.org/protobuf/types/descriptorpb"
)

// Field numbers 19000 to 19999 are reserved by the protobuf implementation;
// 2^29-1 is the highest field number.
const (
	firstImplReserved = 19000
	lastImplReserved  = 19999
	maxFieldNumber    = 1<<29 - 1
)

// protoFile is the .proto of a contract, with field numbers assigned.
type protoFile struct {
	path     string // proto/<m>/v1/<m>.proto, relative to the project root
	name     string // <m>/v1/<m>.proto, relative to the proto root
	messages []*protoMessage
	byName   map[string]*protoMessage
	imports  []string
}

// breaks lists how the file breaks clients of the previous extraction.
func (pf *protoFile) breaks() []string {
	var out []string
	for _, m := range pf.messages {
		out = append(out, m.breaks...)
	}
	return out
}

// protoMessage is one message: a request, a response or a struct.
type protoMessage struct {
	name     string
	doc      string
	fields   []*protoField
	reserved []numRange // merged, sorted
	names    []string   // reserved field names, sorted
	// breaks says, one line each, how this layout breaks clients of the
	// previous one.
	breaks []string
}

// protoField is one field and the Go value it carries.
type protoField struct {
	name   string
	typ    string // as written in the .proto: "int64", "repeated Item", "map<string, int32>"
	number int32
	doc    string
	value  *value
}

// numRange is an inclusive range of field numbers.
type numRange struct{ from, to int32 }

// previous is what an earlier extraction wrote: per message, each field's
// number and type, and what it had reserved.
type previous map[string]*previousMessage

type previousMessage struct {
	fields   map[string]previousField
	reserved []numRange
	names    []string
}

type previousField struct {
	number int32
	typ    string
}

// buildProto lays out the .proto of c. Fields keep the numbers prev gave
// them; new fields get numbers above every number prev used or reserved;
// fields that are gone (or whose type changed) become reserved.
func buildProto(c *contract, prev previous) (*protoFile, error) {
	pf := &protoFile{
		path:   "proto/" + c.pkgName + "/v1/" + c.pkgName + ".proto",
		name:   c.pkgName + "/v1/" + c.pkgName + ".proto",
		byName: map[string]*protoMessage{},
	}
	imports := map[string]bool{}
	add := func(name, doc string, values []*value) error {
		msg, err := layout(name, doc, values, prev[name])
		if err != nil {
			return err
		}
		for _, f := range msg.fields {
			if strings.Contains(f.typ, "google.protobuf.Timestamp") {
				imports["google/protobuf/timestamp.proto"] = true
			}
			if strings.Contains(f.typ, "google.protobuf.Duration") {
				imports["google/protobuf/duration.proto"] = true
			}
		}
		pf.messages = append(pf.messages, msg)
		pf.byName[name] = msg
		return nil
	}
	for _, m := range c.methods {
		if err := add(m.name+"Request", fmt.Sprintf("%sRequest holds the parameters of %s.%s.", m.name, c.service, m.name), m.params); err != nil {
			return nil, err
		}
		if err := add(m.name+"Response", fmt.Sprintf("%sResponse holds the results of %s.%s.", m.name, c.service, m.name), m.results); err != nil {
			return nil, err
		}
	}
	for _, msg := range c.messages {
		if err := add(msg.name, msg.doc, msg.fields); err != nil {
			return nil, err
		}
	}
	for imp := range imports {
		pf.imports = append(pf.imports, imp)
	}
	sort.Strings(pf.imports)
	return pf, nil
}

// layout numbers the fields of one message.
func layout(name, doc string, values []*value, prev *previousMessage) (*protoMessage, error) {
	msg := &protoMessage{name: name, doc: doc}
	if prev == nil {
		prev = &previousMessage{}
	}
	highest := int32(0)
	for _, f := range prev.fields {
		highest = max(highest, f.number)
	}
	for _, r := range prev.reserved {
		highest = max(highest, r.to)
	}
	reserved := slices.Clone(prev.reserved)
	kept := map[string]bool{}
	inUse := map[string]bool{}
	for _, v := range values {
		f := &protoField{name: v.protoName, typ: protoType(v.typ), doc: v.doc, value: v}
		if old, ok := prev.fields[v.protoName]; ok && old.typ == f.typ {
			f.number = old.number
			kept[v.protoName] = true
		}
		inUse[v.protoName] = true
		msg.fields = append(msg.fields, f)
	}
	for _, f := range msg.fields {
		if f.number != 0 {
			continue
		}
		n := highest + 1
		if n >= firstImplReserved && n <= lastImplReserved {
			n = lastImplReserved + 1
		}
		if n > maxFieldNumber {
			return nil, fmt.Errorf("message %s: no field numbers left above %d for field %s; delete %s to renumber from 1 (this breaks wire compatibility)", name, highest, f.name, "the .proto")
		}
		f.number, highest = n, n
	}
	names := map[string]bool{}
	for _, n := range prev.names {
		if !inUse[n] {
			names[n] = true
		}
	}
	for _, fname := range slices.Sorted(maps.Keys(prev.fields)) {
		old := prev.fields[fname]
		if kept[fname] {
			continue
		}
		reserved = append(reserved, numRange{old.number, old.number})
		if !inUse[fname] {
			names[fname] = true
			msg.breaks = append(msg.breaks, fmt.Sprintf("message %s: field %s (number %d) is gone and reserved: clients that still send it lose the value, and JSON clients sending it are refused", name, fname, old.number))
			continue
		}
		for _, f := range msg.fields {
			if f.name == fname {
				msg.breaks = append(msg.breaks, fmt.Sprintf("message %s: field %s changed type from %s to %s, so it moves from number %d to %d: binary clients keep working, JSON clients that send or read %q break", name, fname, old.typ, f.typ, old.number, f.number, fname))
			}
		}
	}
	msg.reserved = mergeRanges(reserved)
	for n := range names {
		msg.names = append(msg.names, n)
	}
	sort.Strings(msg.names)
	return msg, nil
}

func mergeRanges(rs []numRange) []numRange {
	if len(rs) == 0 {
		return nil
	}
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b numRange) int { return int(a.from - b.from) })
	out := []numRange{rs[0]}
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.from <= last.to+1 {
			last.to = max(last.to, r.to)
			continue
		}
		out = append(out, r)
	}
	return out
}

// render writes the .proto source.
func (pf *protoFile) render(c *contract) []byte {
	var b bytes.Buffer
	b.WriteString(tree.GeneratedHeader + "\n")
	fmt.Fprintf(&b, "// Derived from the API interface of internal/%s; run `modgen extract module %s`\n", c.pkgName, c.pkgName)
	b.WriteString("// again after changing it. Field numbers are stable across runs.\n\n")
	b.WriteString("syntax = \"proto3\";\n\n")
	fmt.Fprintf(&b, "package %s;\n\n", c.protoPkg)
	for _, imp := range pf.imports {
		fmt.Fprintf(&b, "import %q;\n", imp)
	}
	if len(pf.imports) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "option go_package = \"%s/internal/%s/%spb;%spb\";\n\n", c.cfg.ModulePath, c.pkgName, c.pkgName, c.pkgName)
	writeComment(&b, "", fmt.Sprintf("%s is the API of the %s module, served by cmd/%s.", c.service, c.pkgName, c.pkgName))
	fmt.Fprintf(&b, "service %s {\n", c.service)
	for i, m := range c.methods {
		if i > 0 {
			b.WriteString("\n")
		}
		writeComment(&b, "  ", m.doc)
		fmt.Fprintf(&b, "  rpc %s(%sRequest) returns (%sResponse);\n", m.name, m.name, m.name)
	}
	b.WriteString("}\n")
	for _, msg := range pf.messages {
		b.WriteString("\n")
		writeComment(&b, "", msg.doc)
		fmt.Fprintf(&b, "message %s {\n", msg.name)
		if len(msg.reserved) > 0 {
			var parts []string
			for _, r := range msg.reserved {
				if r.from == r.to {
					parts = append(parts, fmt.Sprint(r.from))
				} else {
					parts = append(parts, fmt.Sprintf("%d to %d", r.from, r.to))
				}
			}
			fmt.Fprintf(&b, "  reserved %s;\n", strings.Join(parts, ", "))
		}
		if len(msg.names) > 0 {
			quoted := make([]string, len(msg.names))
			for i, n := range msg.names {
				quoted[i] = fmt.Sprintf("%q", n)
			}
			fmt.Fprintf(&b, "  reserved %s;\n", strings.Join(quoted, ", "))
		}
		for _, f := range msg.fields {
			writeComment(&b, "  ", f.doc)
			fmt.Fprintf(&b, "  %s %s = %d;\n", f.typ, f.name, f.number)
		}
		b.WriteString("}\n")
	}
	return b.Bytes()
}

// writeComment writes doc as // lines; an empty doc writes nothing.
func writeComment(b *bytes.Buffer, indent, doc string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return
	}
	for _, line := range strings.Split(doc, "\n") {
		line = strings.TrimRight(line, " \t")
		if line == "" {
			fmt.Fprintf(b, "%s//\n", indent)
			continue
		}
		fmt.Fprintf(b, "%s// %s\n", indent, line)
	}
}

// parsePrevious reads the numbering of a .proto an earlier extraction wrote.
func parsePrevious(path string, src []byte, protoPkg string) (previous, error) {
	handler := reporter.NewHandler(nil)
	file, err := parser.Parse(path, bytes.NewReader(src), handler)
	if err != nil {
		return nil, err
	}
	res, err := parser.ResultFromAST(file, true, handler)
	if err != nil {
		return nil, err
	}
	fd := res.FileDescriptorProto()
	prev := previous{}
	for _, m := range fd.GetMessageType() {
		pm := &previousMessage{fields: map[string]previousField{}, names: slices.Clone(m.GetReservedName())}
		entries := map[string]*descriptorpb.DescriptorProto{}
		for _, nested := range m.GetNestedType() {
			if nested.GetOptions().GetMapEntry() {
				entries[nested.GetName()] = nested
			}
		}
		for _, f := range m.GetField() {
			pm.fields[f.GetName()] = previousField{number: f.GetNumber(), typ: writtenType(f, entries, protoPkg)}
		}
		for _, r := range m.GetReservedRange() {
			pm.reserved = append(pm.reserved, numRange{r.GetStart(), r.GetEnd() - 1})
		}
		prev[m.GetName()] = pm
	}
	return prev, nil
}

// writtenType renders a parsed field's type the way protoType does, so the
// two compare equal when the type did not change.
func writtenType(f *descriptorpb.FieldDescriptorProto, entries map[string]*descriptorpb.DescriptorProto, protoPkg string) string {
	base := func(f *descriptorpb.FieldDescriptorProto) string {
		if f.TypeName != nil {
			n := strings.TrimPrefix(f.GetTypeName(), ".")
			return strings.TrimPrefix(n, protoPkg+".")
		}
		return strings.TrimPrefix(strings.ToLower(f.GetType().String()), "type_")
	}
	if f.GetProto3Optional() {
		return "optional " + base(f)
	}
	if f.GetLabel() == descriptorpb.FieldDescriptorProto_LABEL_REPEATED {
		n := base(f)
		if e := entries[n[strings.LastIndex(n, ".")+1:]]; e != nil && len(e.GetField()) == 2 {
			return "map<" + base(e.GetField()[0]) + ", " + base(e.GetField()[1]) + ">"
		}
		return "repeated " + base(f)
	}
	return base(f)
}
