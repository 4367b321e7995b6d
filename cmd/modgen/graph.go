package main

import (
	"fmt"

	"github.com/modgen-dev/modgen/generator/check"
	"github.com/spf13/cobra"
)

func newGraphCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Print the module dependency graph (Mermaid or DOT)",
		Long: `graph prints the module dependency graph as the code has it, not only as
modgen.yaml declares it: an arrow for each module importing another, a dotted
arrow for each depends_on entry no code imports, extracted modules drawn as
double (Mermaid) or 3D (DOT) boxes, modules missing from modgen.yaml dashed,
and the imports that break a module rule in red, labelled with the rule.

The Mermaid output is plain flowchart text. To show it in a Markdown file
(GitHub, GitLab), paste it between a line "` + "```mermaid" + `" and a line "` + "```" + `".`,
		Example: `  modgen graph > modules.mmd
  modgen graph --format dot | dot -Tsvg -o modules.svg`,
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != check.FormatMermaid && format != check.FormatDOT {
				return usageError{fmt.Errorf("--format %s: unknown format; use %s or %s", format, check.FormatMermaid, check.FormatDOT)}
			}
			p, err := g.project()
			if err != nil {
				return err
			}
			defer p.Close()
			out, err := check.Graph(p.Root, p.Manifest.Module, p.ArchModules(), format)
			if err != nil {
				return err
			}
			_, err = g.stdout.Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&format, "format", check.FormatMermaid, "graph `FORMAT`: mermaid or dot")
	return cmd
}
