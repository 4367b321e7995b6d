package main

import (
	"fmt"
	"strings"

	"github.com/modgen-dev/modgen/generator"
	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/spf13/cobra"
)

func newExtractCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "extract",
		Short: "Extract something into its own service (a module)",
		Args:  args(0, "a subcommand such as `module`"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{fmt.Errorf("modgen extract: missing subcommand; run `modgen extract module NAME`")}
		},
	}
	cmd.AddCommand(newExtractModuleCmd(g))
	return cmd
}

func newExtractModuleCmd(g *globals) *cobra.Command {
	var port int
	cmd := &cobra.Command{
		Use:   "module NAME",
		Short: "Serve a module over gRPC behind a local/remote toggle, callers unchanged",
		Long: `Extract reads the module's API interface (internal/NAME/api.go) with types and
generates: proto/NAME/v1/NAME.proto (stable field numbers), the Go protobuf
and gRPC code (internal/NAME/NAMEpb, compiled in process: no protoc needed),
a gRPC server adapter and a remote client implementing the API
(internal/NAME/NAMEgrpc), contract tests run against both, and a standalone
server (cmd/NAME). The monolith keeps calling the module in process unless
NAME_REMOTE_ADDR is set; no other module's code changes.

Run it again after changing the API: everything generated is regenerated,
existing proto field numbers are kept and removed ones are reserved.`,
		Example: `  modgen extract module estoque
  go run ./cmd/estoque &
  ESTOQUE_REMOTE_ADDR=127.0.0.1:50051 go run ./cmd/api`,
		Args: args(1, "the module NAME"),
		RunE: func(cmd *cobra.Command, a []string) error {
			return g.run(func(p *generator.Project) (*tree.Plan, error) { return p.Extract(a[0], port) }, func(plan *tree.Plan, _ bool) {
				m := plan.Manifest.Find(a[0])
				fmt.Fprintf(g.stdout, "\nextracted %s (gRPC on :%d)\n  go run ./cmd/%s &\n  %s_REMOTE_ADDR=127.0.0.1:%d go run ./cmd/api\n",
					m.Name, m.Extracted.Port, m.Name, strings.ToUpper(m.Name), m.Extracted.Port)
			})
		},
	}
	cmd.Flags().IntVar(&port, "port", 0, "default gRPC `PORT` of the standalone server (default: the recorded one, or 50051 and up)")
	return cmd
}
