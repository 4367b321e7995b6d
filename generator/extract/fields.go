package extract

import (
	"bufio"
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The field record of an extracted module (proto/<m>/v1/<m>.fields) keeps
// every message's field numbers and reservations outside the generated
// .proto, so that a deleted or regenerated .proto keeps its numbers: a
// renumbered field breaks every client already running. modgen rewrites it
// on every extraction; it belongs in version control beside the .proto.
//
// One line per fact, the type last because it may hold spaces:
//
//	Estoque field name 2 string
//	Estoque reserved 5-6
//	Estoque reserved-name old_name

func recordPath(pkg string) string { return "proto/" + pkg + "/v1/" + pkg + ".fields" }

const recordHeader = `# Field numbers of %s, kept by modgen: a deleted or
# regenerated .proto keeps them, as running clients need. modgen rewrites
# this file on every extraction; keep it in version control.
`

// record renders the field record of pf.
func (pf *protoFile) record() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, recordHeader, pf.path)
	for _, m := range pf.messages {
		for _, f := range m.fields {
			fmt.Fprintf(&b, "%s field %s %d %s\n", m.name, f.name, f.number, f.typ)
		}
		for _, r := range m.reserved {
			if r.from == r.to {
				fmt.Fprintf(&b, "%s reserved %d\n", m.name, r.from)
			} else {
				fmt.Fprintf(&b, "%s reserved %d-%d\n", m.name, r.from, r.to)
			}
		}
		for _, n := range m.names {
			fmt.Fprintf(&b, "%s reserved-name %s\n", m.name, n)
		}
	}
	return b.Bytes()
}

// parseRecord reads a field record; errors carry the line number.
func parseRecord(src []byte) (previous, error) {
	prev := previous{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 {
			return nil, fmt.Errorf("line %d: %q: want `Message field name number type`, `Message reserved N[-M]` or `Message reserved-name name`", n, line)
		}
		pm := prev[f[0]]
		if pm == nil {
			pm = &previousMessage{fields: map[string]previousField{}}
			prev[f[0]] = pm
		}
		switch {
		case f[1] == "field" && len(f) >= 5:
			num, err := strconv.ParseInt(f[3], 10, 32)
			if err != nil || num < 1 {
				return nil, fmt.Errorf("line %d: %q is not a field number", n, f[3])
			}
			pm.fields[f[2]] = previousField{number: int32(num), typ: strings.Join(f[4:], " ")}
		case f[1] == "reserved" && len(f) == 3:
			from, to, _ := strings.Cut(f[2], "-")
			if to == "" {
				to = from
			}
			a, errA := strconv.ParseInt(from, 10, 32)
			z, errZ := strconv.ParseInt(to, 10, 32)
			if errA != nil || errZ != nil || a < 1 || z < a {
				return nil, fmt.Errorf("line %d: %q is not a range of field numbers", n, f[2])
			}
			pm.reserved = append(pm.reserved, numRange{int32(a), int32(z)})
		case f[1] == "reserved-name" && len(f) == 3:
			pm.names = append(pm.names, f[2])
		default:
			return nil, fmt.Errorf("line %d: %q: want `Message field name number type`, `Message reserved N[-M]` or `Message reserved-name name`", n, line)
		}
	}
	return prev, sc.Err()
}

// mergePrevious combines the record with what the .proto on disk says: a
// field in both takes the .proto's number and type (a hand edit of the
// .proto wins), reservations add up.
func mergePrevious(record, proto previous) previous {
	out := previous{}
	for _, src := range []previous{record, proto} {
		for name, m := range src {
			pm := out[name]
			if pm == nil {
				pm = &previousMessage{fields: map[string]previousField{}}
				out[name] = pm
			}
			for f, v := range m.fields {
				pm.fields[f] = v
			}
			pm.reserved = append(pm.reserved, m.reserved...)
			for _, n := range m.names {
				if !slices.Contains(pm.names, n) {
					pm.names = append(pm.names, n)
				}
			}
		}
	}
	return out
}
