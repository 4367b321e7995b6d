package main

import (
	"fmt"
	"strings"

	"github.com/modgen-dev/modgen/generator"
	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/spf13/cobra"
)

func newAddCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add",
		Short: "Add something to the project (a module, a subscription)",
		Args:  args(0, "a subcommand such as `module`"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{fmt.Errorf("modgen add: missing subcommand; run `modgen add module NAME`")}
		},
	}
	cmd.AddCommand(newAddModuleCmd(g), newAddSubscriptionCmd(g))
	return cmd
}

func newAddModuleCmd(g *globals) *cobra.Command {
	var opts generator.AddModuleOptions
	cmd := &cobra.Command{
		Use:   "module NAME",
		Short: "Add a module: API, handler, service, repository, domain and tests",
		Long: `Add a module under internal/NAME: its API interface and types (api.go), New
and routes (module.go), JSON HTTP handlers, a service, a database/sql
repository with embedded migrations, a domain package and tests. With
--depends-on, the module declares interfaces for what it uses of those modules
(deps.go) and receives their implementations from the wiring.

The entity has the fields given by --fields (by default a name and a
description), plus id, created_at and updated_at. --fields is a
comma-separated list of name:type, with optional modifiers:

  name        lower_snake_case: the JSON name and the column (not a Go or SQL
              keyword, nor id, created_at or updated_at)
  string      text, trimmed, at most 200 characters; string(N): at most N
  text        text, trimmed, no limit; text(N): at most N characters
  int         int64                  float    float64
  decimal     exact decimal (scalar.Decimal): "12.50" in JSON, no rounding
  bool        true or false          time     time.Time, nanoseconds, UTC
  date        a calendar date (scalar.Date): "2026-03-01"
  uuid        scalar.UUID: "0190f5a4-7b2c-7d3e-8f40-123456789abc"
  json        a JSON object (json.RawMessage), stored as given, compacted
  ref(MODULE) the id of an item of MODULE (int64), checked to exist;
              implies --depends-on MODULE
  TYPE?       optional: may be null (a pointer in Go); without ?, a string,
              text, time, date, uuid, json or ref must be given
  :unique     no two items share the value (409 Conflict otherwise)
  :index      an index; GET /NAME?field=value and List filter by equality
              on unique and indexed fields (not float, time or json)

Running it again with the same flags changes nothing.`,
		Example: `  modgen add module estoque
  modgen add module pedidos --depends-on estoque,notificacoes
  modgen add module catalogo --entity Produto
  modgen add module produtos --fields "sku:string(40):unique,quantidade:int,preco:decimal,ativo:bool,validade:date?,estoque_id:ref(estoque)"`,
		Args: args(1, "the module NAME"),
		RunE: func(cmd *cobra.Command, a []string) error {
			opts.Name = a[0]
			return g.run(func(p *generator.Project) (*tree.Plan, error) { return p.AddModule(opts) }, func(plan *tree.Plan, unchanged bool) {
				if unchanged {
					fmt.Fprintf(g.stdout, "module %s is up to date; nothing changed\n", opts.Name)
					return
				}
				fmt.Fprintf(g.stdout, "\nadded module %s with entity %s: routes under /%s, wired in cmd/api/wire_%s_gen.go\n",
					opts.Name, plan.Manifest.Find(opts.Name).Entity, opts.Name, opts.Name)
			})
		},
	}
	cmd.Flags().StringSliceVar(&opts.DependsOn, "depends-on", nil, "modules this one uses, comma-separated (`a,b`)")
	cmd.Flags().StringVar(&opts.Fields, "fields", "", "the entity's fields, comma-separated `name:type[?][:unique|:index]` (default: name and description)")
	cmd.Flags().StringVar(&opts.Entity, "entity", "", "entity type `Name` (default: the module name in the singular, capitalized: pedidos → Pedido)")
	return cmd
}

func newAddSubscriptionCmd(g *globals) *cobra.Command {
	var opts generator.AddSubscriptionOptions
	cmd := &cobra.Command{
		Use:   "subscription SUBSCRIBER PUBLISHER.EVENT",
		Short: "Make a module handle another module's event",
		Long: `Make module SUBSCRIBER handle the event EVENT that module PUBLISHER
publishes (a type of internal/PUBLISHER/events): record it in modgen.yaml,
scaffold the handler internal/SUBSCRIBER/on_PUBLISHER_EVENT.go (yours to
edit) and register it in the generated code. Events are written in the
transaction of the change they announce and delivered at least once, in
order per publisher, through the subscriber's inbox (see pkg/outbox): in
process, or over NATS JetStream when NATS_URL is set.

Running it again changes nothing.`,
		Example: `  modgen add subscription notificacoes pedidos.PedidoCreated
  modgen add subscription estoque pedidos.PedidoCreated`,
		Args: args(2, "the SUBSCRIBER module and the PUBLISHER.EVENT"),
		RunE: func(cmd *cobra.Command, a []string) error {
			opts.Subscriber, opts.Event = a[0], a[1]
			return g.run(func(p *generator.Project) (*tree.Plan, error) { return p.AddSubscription(opts) }, func(_ *tree.Plan, unchanged bool) {
				if unchanged {
					fmt.Fprintf(g.stdout, "%s already subscribes to %s; nothing changed\n", opts.Subscriber, opts.Event)
					return
				}
				publisher, event, _ := strings.Cut(opts.Event, ".")
				fmt.Fprintf(g.stdout, "\n%s subscribes to %s: handle it in internal/%s/%s\n",
					opts.Subscriber, opts.Event, opts.Subscriber, generator.HandlerFile(publisher, event))
			})
		},
	}
	return cmd
}
