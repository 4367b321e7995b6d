package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/modgen-dev/modgen/generator"
	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/spf13/cobra"
)

// globals are the flags every command shares, and where output goes.
type globals struct {
	dir    string // -C: run as if started in dir
	dryRun bool
	force  bool
	stdout io.Writer
	stderr io.Writer
}

// usageError marks errors in how modgen was called: exit code 2, usage shown.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// run executes modgen with args and returns the process exit code.
func run(args []string, stdout, stderr io.Writer) int {
	g := &globals{stdout: stdout, stderr: stderr}
	root := newRootCmd(g)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "modgen: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		fmt.Fprintf(stderr, "\n%s", cmd.UsageString())
		return 2
	}
	return 1
}

func newRootCmd(g *globals) *cobra.Command {
	root := &cobra.Command{
		Use:   "modgen",
		Short: "Scaffold and evolve modular-monolith Go projects",
		Long: `modgen scaffolds modular-monolith Go projects: one binary whose modules talk
only through interfaces, with boundaries checked, and any module extractable
into its own gRPC service without touching its callers.`,
		Version:           generator.Version,
		SilenceUsage:      true,
		SilenceErrors:     true,
		DisableAutoGenTag: true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if g.dir != "" {
				info, err := os.Stat(g.dir)
				if err != nil || !info.IsDir() {
					return usageError{fmt.Errorf("-C %s: not a directory", g.dir)}
				}
			}
			return nil
		},
	}
	root.SetVersionTemplate("modgen {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	pf := root.PersistentFlags()
	pf.StringVarP(&g.dir, "chdir", "C", "", "run as if modgen was started in `DIR`")
	pf.BoolVar(&g.dryRun, "dry-run", false, "print what would change (with diffs) and write nothing")
	pf.BoolVar(&g.force, "force", false, "overwrite files you edited")
	root.AddCommand(newNewCmd(g), newAddCmd(g), newExtractCmd(g), newCheckCmd(g), newGraphCmd(g), newVersionCmd(g))
	return root
}

// base is the folder the command runs in.
func (g *globals) base() (string, error) {
	if g.dir != "" {
		return filepath.Abs(g.dir)
	}
	return os.Getwd()
}

// project opens the project in the folder modgen runs in, holding its lock
// until Close, and says what it recovered of an interrupted command.
func (g *globals) project() (*generator.Project, error) {
	dir, err := g.base()
	if err != nil {
		return nil, err
	}
	p, err := generator.Open(dir)
	if err != nil {
		return nil, err
	}
	g.recovered(p)
	return p, nil
}

func (g *globals) recovered(p *generator.Project) {
	if p.Recovered != "" {
		fmt.Fprintf(g.stderr, "modgen: %s\n", p.Recovered)
	}
}

// args returns a cobra argument validator that reports a usage error naming
// what is expected.
func args(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			path := strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
			return usageError{fmt.Errorf("%s: expected %s, got %d argument(s)", path, what, len(args))}
		}
		return nil
	}
}

// run is the whole of a writing command: open the project, plan with
// makePlan, apply the plan and, unless it is a dry run, report what was
// done (unchanged: the plan changed no file).
func (g *globals) run(makePlan func(*generator.Project) (*tree.Plan, error), report func(plan *tree.Plan, unchanged bool)) error {
	p, err := g.project()
	if err != nil {
		return err
	}
	defer p.Close()
	p.PrefetchCache()
	plan, err := makePlan(p)
	if err != nil {
		return err
	}
	changes, err := g.apply(p, plan)
	if err != nil {
		return err
	}
	if !g.dryRun {
		report(plan, tree.Count(changes, tree.Unchanged) == len(changes))
	}
	return nil
}

// apply finishes a plan and writes it, or with --dry-run prints it.
func (g *globals) apply(p *generator.Project, plan *tree.Plan) ([]tree.Change, error) {
	changes, err := p.Finish(plan, g.force)
	if err != nil {
		return nil, err
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(g.stderr, "modgen: warning: %s\n", w)
	}
	if g.dryRun {
		fmt.Fprintf(g.stdout, "dry run: nothing written in %s\n", p.Root)
		tree.Summarize(g.stdout, changes, true)
		return changes, nil
	}
	if err := p.Write(changes); err != nil {
		return nil, err
	}
	tree.Summarize(g.stdout, changes, false)
	return changes, nil
}

func newVersionCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print modgen's version",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(g.stdout, "modgen %s\n", generator.Version)
			return nil
		},
	}
}
