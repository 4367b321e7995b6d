package main

import (
	"fmt"
	"path/filepath"

	"github.com/modgen-dev/modgen/generator"
	"github.com/spf13/cobra"
)

func newNewCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "new",
		Short: "Create something new (a project)",
		Args:  args(0, "a subcommand such as `project`"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{fmt.Errorf("modgen new: missing subcommand; run `modgen new project NAME`")}
		},
	}
	cmd.AddCommand(newNewProjectCmd(g))
	return cmd
}

func newNewProjectCmd(g *globals) *cobra.Command {
	var opts generator.NewProjectOptions
	cmd := &cobra.Command{
		Use:   "project NAME",
		Short: "Create a modular-monolith project that builds, passes its tests and runs",
		Example: `  modgen new project loja --module github.com/acme/loja
  modgen new project loja --dir ./services/loja`,
		Args: args(1, "the project NAME"),
		RunE: func(cmd *cobra.Command, a []string) error {
			opts.Name = a[0]
			base, err := g.base()
			if err != nil {
				return err
			}
			p, plan, err := generator.NewProject(base, opts)
			if err != nil {
				return err
			}
			if !g.dryRun {
				if err := p.Init(); err != nil {
					return err
				}
				g.recovered(p)
				defer p.Close()
			}
			if _, err := g.apply(p, plan); err != nil {
				if !g.dryRun {
					p.Abandon()
				}
				return err
			}
			if !g.dryRun {
				// The folder as the user can type it: relative when below
				// where modgen ran, absolute otherwise.
				rel, err := filepath.Rel(base, p.Root)
				if err != nil || !filepath.IsLocal(rel) {
					rel = p.Root
				}
				fmt.Fprintf(g.stdout, "\ncreated %s (module %s)\n  cd %s && go run ./cmd/api\n", opts.Name, p.Manifest.Module, rel)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&opts.Module, "module", "", "Go module `PATH` of the project (default NAME)")
	cmd.Flags().StringVar(&opts.Dir, "dir", "", "create the project in `DIR` (default ./NAME)")
	return cmd
}
