package generator

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/templates"
)

// AddSubscriptionOptions are the inputs of `modgen add subscription`.
type AddSubscriptionOptions struct {
	Subscriber string // the module that handles the event
	Event      string // <publishing module>.<event type>, such as pedidos.PedidoCreated
}

// AddSubscription plans the subscription of a module to another module's
// event: it records it in the manifest and scaffolds the handler; Finish
// writes the generated registration and wiring. Adding a subscription that
// exists re-plans it (so nothing changes unless files were deleted).
func (p *Project) AddSubscription(opts AddSubscriptionOptions) (*tree.Plan, error) {
	if err := tree.ValidateName("module", opts.Subscriber); err != nil {
		return nil, err
	}
	sub := p.Manifest.Find(opts.Subscriber)
	if sub == nil {
		return nil, fmt.Errorf("unknown module %q; subscribe one of the project's modules%s", opts.Subscriber, known(p.Manifest))
	}
	publisher, event, ok := strings.Cut(opts.Event, ".")
	if !ok || publisher == "" || event == "" {
		return nil, fmt.Errorf("event %q: expected PUBLISHER.EVENT, such as pedidos.PedidoCreated", opts.Event)
	}
	if err := tree.ValidateName("module", publisher); err != nil {
		return nil, err
	}
	pub := p.Manifest.Find(publisher)
	switch {
	case pub == nil:
		return nil, fmt.Errorf("unknown module %q in %s; name the module that publishes the event%s", publisher, opts.Event, known(p.Manifest))
	case publisher == opts.Subscriber:
		return nil, fmt.Errorf("module %q cannot subscribe to its own event %s; call the code from the service that publishes it instead", publisher, opts.Event)
	}
	events, err := publishedEvents(p.Root, publisher)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(events, event) {
		if len(events) == 0 {
			return nil, fmt.Errorf("module %s declares no events: internal/%s/events has no exported struct type; add one there (or `modgen add module` a new module, which has a <Entity>Created event)", publisher, publisher)
		}
		return nil, fmt.Errorf("module %s has no event %q; its events (internal/%s/events): %s", publisher, event, publisher, strings.Join(events, ", "))
	}
	next := p.Manifest.Clone()
	s := next.Find(opts.Subscriber)
	handlerPath := "internal/" + opts.Subscriber + "/" + HandlerFile(publisher, event)
	var files []tree.File
	// The handler is the user's once written: a re-run leaves it alone, and
	// writes it again only if it is missing.
	if !slices.Contains(s.Subscribes, opts.Event) || !tree.Exists(filepath.Join(p.Root, filepath.FromSlash(handlerPath))) {
		s.Subscribes = append(s.Subscribes, opts.Event)
		slices.Sort(s.Subscribes)
		s.Subscribes = slices.Compact(s.Subscribes)
		files, err = tree.RenderTree(templates.FS, "subscription", handlerData(p.Manifest.Module, tree.Subscription{Subscriber: opts.Subscriber, Publisher: publisher, Event: event}),
			func(string) string { return handlerPath })
		if err != nil {
			return nil, err
		}
	}
	plan := &tree.Plan{Files: files, Manifest: next}
	// Events cross processes on NATS JetStream once they have subscribers:
	// the transport and its requirements come with the first subscription.
	transport, err := tree.RenderTree(templates.FS, "nats", projectDataOf(next), nil)
	if err != nil {
		return nil, err
	}
	reqs, err := p.requirementFiles(natsRequires, templates.NATSSum)
	if err != nil {
		return nil, err
	}
	plan.Add(transport...)
	plan.Add(reqs...)
	return plan, nil
}

// natsRequires are what a project needs once a module subscribes to events,
// on top of what `new project` writes. TestGRPCRequirementsMatchDeps keeps
// them, with grpcRequires, equal to testdata/deps/go.mod.
var natsRequires = []requirement{
	{"github.com/klauspost/compress", "v1.20.1", true},
	{"github.com/nats-io/nats.go", "v1.55.0", false},
	{"github.com/nats-io/nkeys", "v0.4.16", true},
	{"github.com/nats-io/nuid", "v1.0.1", true},
	{"golang.org/x/crypto", "v0.58.0", true},
}

// publishedEvents returns the events of module publisher: the exported
// struct types of internal/<publisher>/events, sorted.
func publishedEvents(root, publisher string) ([]string, error) {
	dir := filepath.Join(root, "internal", publisher, "events")
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	var names []string
	fset := token.NewFileSet()
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, fmt.Errorf("reading the events of %s: %v; fix the file so it parses", publisher, err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				if _, isStruct := ts.Type.(*ast.StructType); isStruct && ts.Name.IsExported() && tree.ValidEventName(ts.Name.Name) {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

// handler is what the templates of a subscription see.
type handler struct {
	Project                      string
	Subscriber, Publisher, Event string
	Method                       string // the handler method: On<Publisher><Event>
}

func handlerData(project string, s tree.Subscription) handler {
	return handler{Project: project, Subscriber: s.Subscriber, Publisher: s.Publisher, Event: s.Event,
		Method: "On" + tree.Exported(s.Publisher) + s.Event}
}

// HandlerFile names the file of the handler of publisher's event in the
// subscribing module: on_<publisher>_<event in snake case>.go, with _event
// added when the name would otherwise end like a build constraint
// (_linux.go, _arm64.go) or a test (_test.go).
func HandlerFile(publisher, event string) string {
	var words []string
	start := 0
	for i, r := range event {
		if i > 0 && unicode.IsUpper(r) && !unicode.IsUpper(rune(event[i-1])) {
			words = append(words, strings.ToLower(event[start:i]))
			start = i
		}
	}
	words = append(words, strings.ToLower(event[start:]))
	if slices.Contains(constraintSuffixes, words[len(words)-1]) {
		words = append(words, "event")
	}
	return "on_" + publisher + "_" + strings.Join(words, "_") + ".go"
}

// constraintSuffixes are the file name suffixes the go command reads as a
// condition: GOOS and GOARCH values, and test.
var constraintSuffixes = strings.Fields(`test aix android darwin dragonfly freebsd hurd illumos ios js
	linux nacl netbsd openbsd plan9 solaris wasip1 windows zos 386 amd64 amd64p32 arm armbe arm64
	arm64be loong64 mips mipsle mips64 mips64le mips64p32 mips64p32le ppc ppc64 ppc64le riscv
	riscv64 s390 s390x sparc sparc64 wasm`)

// subscriberFiles are the generated registrations of the handlers of each
// module that subscribes to events (internal/<m>/subscriptions_gen.go).
func subscriberFiles(m *tree.Manifest) ([]tree.File, error) {
	var out []tree.File
	for _, mod := range m.Modules {
		if len(mod.Subscribes) == 0 {
			continue
		}
		data := struct {
			Project, Name string
			Subscriptions []handler
		}{Project: m.Module, Name: mod.Name}
		for _, s := range m.Subscriptions() {
			if s.Subscriber == mod.Name {
				data.Subscriptions = append(data.Subscriptions, handlerData(m.Module, s))
			}
		}
		files, err := tree.RenderTree(templates.FS, "subscriber", data, func(rel string) string { return "internal/" + mod.Name + "/" + rel })
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

// eventCommandFiles are the event wiring of each extracted module's own
// command (cmd/<m>/events_gen.go): the handlers it registers and whether
// its events must cross processes.
func eventCommandFiles(m *tree.Manifest) ([]tree.File, error) {
	var out []tree.File
	for _, mod := range m.Modules {
		if mod.Extracted == nil {
			continue
		}
		data := struct {
			Module, Name string
			Subscribes   []string
			// Links are the subscriptions between the module and another:
			// the other runs in another process.
			Links []string
		}{Module: m.Module, Name: mod.Name, Subscribes: mod.Subscribes}
		for _, s := range m.Subscriptions() {
			if s.Subscriber == mod.Name || s.Publisher == mod.Name {
				data.Links = append(data.Links, s.Subscriber+" subscribes to "+s.String())
			}
		}
		files, err := tree.RenderTree(templates.FS, "events", data, func(rel string) string { return "cmd/" + mod.Name + "/" + rel })
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}
