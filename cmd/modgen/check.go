package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/modgen-dev/modgen/generator"
	"github.com/modgen-dev/modgen/generator/archrules"
	"github.com/modgen-dev/modgen/generator/check"
	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/spf13/cobra"
)

func newCheckCmd(g *globals) *cobra.Command {
	var format string
	var baseline, prune bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check the module boundaries of the project",
		Long: `check reads the imports of every Go file below internal/ and pkg/ (tests
included) and reports, as file:line: message, each import that breaks a
module rule:
  - a module importing a private package of another (internal/estoque/domain);
  - a module importing another that its depends_on in modgen.yaml does not list;
  - modules importing each other in a cycle (pedidos → estoque → pedidos);
  - pkg/ importing anything under internal/.
A module may import its own packages; cmd/ may import anything. It exits 1
when there are violations, 0 when clean, with a one-line summary either way.
The generated test in internal/architecture runs the same rules in go test.

To adopt the rules gradually, --baseline writes the current violations to
modgen-baseline.json: later runs fail only on violations not in it, and list
the entries that are fixed; --prune drops those from the file.`,
		Example: `  modgen check
  modgen check --format json
  modgen check --baseline   # accept today's violations; commit modgen-baseline.json
  modgen check --prune      # drop fixed entries from the baseline`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != check.FormatText && format != check.FormatJSON {
				return usageError{fmt.Errorf("--format %s: unknown format; use %s or %s", format, check.FormatText, check.FormatJSON)}
			}
			if baseline && prune {
				return usageError{fmt.Errorf("--baseline and --prune exclude each other: --baseline rewrites the whole baseline, fixed entries included")}
			}
			p, err := g.project()
			var bad *tree.ManifestError
			if errors.As(err, &bad) {
				return manifestProblems(g.stdout, format, bad)
			}
			if err != nil {
				return err
			}
			defer p.Close()
			mods := p.ArchModules()
			r, err := check.Run(p.Root, p.Manifest.Module, mods)
			if err != nil {
				return err
			}
			// In JSON, stdout holds the report alone: notes go to stderr.
			notes := g.stdout
			if format == check.FormatJSON {
				notes = g.stderr
			}
			switch {
			case baseline:
				changed, err := g.writeBaseline(p, notes, check.Baseline(r.Violations))
				if err != nil {
					return err
				}
				if g.dryRun {
					break
				}
				if r, err = check.Run(p.Root, p.Manifest.Module, mods); err != nil {
					return err
				}
				if changed {
					fmt.Fprintf(notes, "wrote %s (%s): from now on only new violations fail; commit it\n", archrules.BaselineFile, entries(len(r.Known)))
				} else {
					fmt.Fprintf(notes, "%s is up to date (%s)\n", archrules.BaselineFile, entries(len(r.Known)))
				}
			case prune && !r.HasBaseline:
				return fmt.Errorf("check --prune: no %s in %s; write one with modgen check --baseline", archrules.BaselineFile, p.Root)
			case prune:
				data, n, err := check.Prune(r)
				if err != nil {
					return err
				}
				if _, err := g.writeBaseline(p, notes, data); err != nil {
					return err
				}
				if g.dryRun {
					break
				}
				fmt.Fprintf(notes, "removed %s (fixed) from %s\n", entries(n), archrules.BaselineFile)
			}
			if err := r.Write(g.stdout, format); err != nil {
				return err
			}
			if r.Failed() {
				return fmt.Errorf("check: %s", r.Summary())
			}
			fmt.Fprintf(notes, "modgen check: %s\n", r.Summary())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&format, "format", check.FormatText, "report `FORMAT`: text or json")
	f.BoolVar(&baseline, "baseline", false, "write the current violations to "+archrules.BaselineFile+"; later runs fail only on new ones")
	f.BoolVar(&prune, "prune", false, "remove the entries that are fixed from "+archrules.BaselineFile)
	return cmd
}

// writeBaseline writes the baseline file through the plan, like every file
// modgen writes (confined, journaled, skipped when unchanged; with --dry-run
// shown as a diff to notes and not written), and reports whether it changed.
func (g *globals) writeBaseline(p *generator.Project, notes io.Writer, data []byte) (bool, error) {
	plan := &tree.Plan{Files: []tree.File{{Path: archrules.BaselineFile, Content: data, Owner: tree.Merged, Template: "baseline"}}}
	changes, err := plan.Compare(p.Root, p.Manifest.Files, false)
	if err != nil {
		return false, err
	}
	if g.dryRun {
		fmt.Fprintf(notes, "dry run: nothing written in %s\n", p.Root)
		tree.Summarize(notes, changes, true)
	} else if err := p.Write(changes); err != nil {
		return false, err
	}
	return tree.Count(changes, tree.Unchanged) == 0, nil
}

// manifestProblems reports every problem of a manifest that cannot be used:
// the module rules need a valid one.
func manifestProblems(w io.Writer, format string, bad *tree.ManifestError) error {
	if format == check.FormatJSON {
		type problem struct {
			File    string `json:"file"`
			Line    int    `json:"line,omitempty"`
			Message string `json:"message"`
		}
		var out struct {
			Manifest []problem `json:"manifest"`
		}
		for _, p := range bad.Problems {
			out.Manifest = append(out.Manifest, problem{p.Source(), p.Line, p.Msg})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, p := range bad.Problems {
			fmt.Fprintln(w, p)
		}
	}
	return fmt.Errorf("check: %d problem(s) in the manifest; fix them, then run modgen check again for the module rules", len(bad.Problems))
}

func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}
