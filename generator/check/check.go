// Package check is what `modgen check` and `modgen graph` do with the module
// rules of package archrules: reports in text or JSON, the baseline that
// lets a project adopt the rules gradually, and the module graph in Mermaid
// or DOT. It does not import package generator, which may import it.
package check

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/modgen-dev/modgen/generator/archrules"
)

// Report formats.
const (
	FormatText = "text"
	FormatJSON = "json"
)

// Report is one check of a project against its baseline.
type Report struct {
	// Modules is the number of modules checked: those of modgen.yaml and
	// those found under internal/ only.
	Modules int
	// Violations are all violations found, sorted by file and line.
	Violations []archrules.Violation
	// New are the violations the baseline does not accept: they fail.
	New []archrules.Violation
	// Known are the violations the baseline accepts.
	Known []archrules.Violation
	// Fixed are the baseline entries no violation matches any more.
	Fixed []archrules.BaselineEntry
	// HasBaseline reports whether the project has a baseline file.
	HasBaseline bool
}

// Run checks the project at root against its baseline, if it has one.
func Run(root, modulePath string, mods []archrules.Module) (*Report, error) {
	a, err := archrules.Analyze(root, modulePath, mods)
	if err != nil {
		return nil, err
	}
	baseline, ok, err := archrules.ReadBaseline(root)
	if err != nil {
		return nil, err
	}
	r := &Report{Modules: len(a.Modules), Violations: a.Violations, HasBaseline: ok}
	r.New, r.Known, r.Fixed = archrules.Compare(a.Violations, baseline)
	return r, nil
}

// Failed reports whether the check fails: some violation is not in the
// baseline.
func (r *Report) Failed() bool { return len(r.New) > 0 }

// Summary is the one-line result, such as "2 violations in 5 modules
// (1 new, 1 in baseline)".
func (r *Report) Summary() string {
	s := fmt.Sprintf("%s in %s", count(len(r.Violations), "violation", "violations"), count(r.Modules, "module", "modules"))
	if !r.HasBaseline {
		return s
	}
	s += fmt.Sprintf(" (%d new, %d in baseline", len(r.New), len(r.Known))
	if len(r.Fixed) > 0 {
		s += fmt.Sprintf(", %s fixed: run modgen check --prune", count(len(r.Fixed), "baseline entry", "baseline entries"))
	}
	return s + ")"
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Write writes the report to w in format text or json. Text lists the new
// violations as file:line: message, then the fixed baseline entries; the
// summary is left to the caller. JSON holds everything, summary included.
func (r *Report) Write(w io.Writer, format string) error {
	switch format {
	case FormatText:
		var b bytes.Buffer
		for _, v := range r.New {
			fmt.Fprintln(&b, v)
		}
		if len(r.Fixed) > 0 {
			fmt.Fprintf(&b, "fixed, still in %s (drop with modgen check --prune):\n", archrules.BaselineFile)
			for _, e := range r.Fixed {
				fmt.Fprintf(&b, "  %s\n", e)
			}
		}
		_, err := w.Write(b.Bytes())
		return err
	case FormatJSON:
		type violation struct {
			archrules.Violation
			// Baseline reports whether the baseline accepts the violation.
			Baseline bool `json:"baseline"`
		}
		out := struct {
			Summary    string                    `json:"summary"`
			Failed     bool                      `json:"failed"`
			Modules    int                       `json:"modules"`
			New        int                       `json:"new"`
			Known      int                       `json:"in_baseline"`
			Violations []violation               `json:"violations"`
			Fixed      []archrules.BaselineEntry `json:"fixed"`
		}{
			Summary: r.Summary(), Failed: r.Failed(), Modules: r.Modules,
			New: len(r.New), Known: len(r.Known),
			Violations: []violation{}, Fixed: []archrules.BaselineEntry{},
		}
		// Violations keep their order; Compare keeps it within New and Known.
		known := map[archrules.Violation]int{}
		for _, v := range r.Known {
			known[v]++
		}
		for _, v := range r.Violations {
			in := known[v] > 0
			if in {
				known[v]--
			}
			out.Violations = append(out.Violations, violation{v, in})
		}
		out.Fixed = append(out.Fixed, r.Fixed...)
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	return fmt.Errorf("unknown report format %q; use %s or %s", format, FormatText, FormatJSON)
}

// Baseline renders vs as the content of a baseline file
// (archrules.BaselineFile). The command writes it through the plan, like
// every file modgen writes.
func Baseline(vs []archrules.Violation) []byte {
	return archrules.MarshalBaseline(archrules.BaselineOf(vs))
}

// Prune returns the baseline without the fixed entries of r, keeping the
// accepted ones and adding no new ones, and clears r.Fixed. It returns the
// new content and the number of entries removed.
func Prune(r *Report) ([]byte, int, error) {
	if !r.HasBaseline {
		return nil, 0, fmt.Errorf("check --prune: no %s; write one with modgen check --baseline", archrules.BaselineFile)
	}
	n := len(r.Fixed)
	r.Fixed = nil
	return archrules.MarshalBaseline(archrules.BaselineOf(r.Known)), n, nil
}
