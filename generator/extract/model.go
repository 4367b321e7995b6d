package extract

import (
	"go/types"

	"github.com/modgen-dev/modgen/generator/field"
)

// contract is a module's API read from its Go source: what crosses the
// wire once the module is extracted, and what the generated code needs to
// know about the module and the project around it.
type contract struct {
	cfg       Config
	pkgPath   string // import path of the module package
	pkgName   string // the module package's name (cfg.Module)
	service   string // protobuf service name, e.g. EstoqueService
	protoPkg  string // protobuf package, e.g. estoque.v1
	methods   []*method
	messages  []*message // every struct reachable from the API, in order of first use
	sentinels []sentinel
	// validation is the module's ValidationError, when it has one with
	// string fields Field and Problem whose pointer is an error.
	validation *goName
	project    projectShape
	module     moduleShape
	crud       *crudShape // nil unless the API has the scaffold's CRUD methods
	// fallback is why load could not use loadSource and ran the full
	// load; nil when loadSource vouched for the types.
	fallback error
}

// goName names a declared Go type: its package and name.
type goName struct {
	pkgPath string
	name    string
}

// method is one method of the API interface.
type method struct {
	name     string
	doc      string
	params   []*value // without the leading context.Context
	results  []*value // without the trailing error
	variadic bool     // the last param is ...T
}

// value is a parameter or a result of a method, or a field of a struct.
type value struct {
	goName    string // Go name: the parameter, result or field name
	protoName string // lower_snake_case protobuf field name
	doc       string
	typ       *typ
}

// message is a struct of the module that becomes a protobuf message.
type message struct {
	name   string // protobuf message name, also the Go type name used
	goRef  goName
	doc    string
	fields []*value
}

// sentinel is an exported package-level error variable of the module.
type sentinel struct {
	name string // ErrNotFound
}

// projectShape says which of the project's packages the generated code can
// use.
type projectShape struct {
	// requestID: pkg/server has RequestID(ctx) string and
	// WithRequestID(ctx, id) context.Context.
	requestID bool
	// database: pkg/database has Open(ctx, url) (*sql.DB, error) and
	// Migrate(ctx, db, ...Source) error.
	database bool
	// outbox: pkg/outbox has New(db, log) *Bus.
	outbox bool
}

// moduleShape is what cmd/<m> and the contract test need of the module
// package besides its API: New(Deps) *Module, Module.API() API and
// Migrations.
type moduleShape struct {
	ok      bool     // New, Deps{DB, Bus, Log}, (*Module).API and Migrations are there
	missing string   // when !ok: what is missing, for the error
	deps    []string // Deps fields besides DB, Bus and Log that the service's command can pass in: other modules
	hasLog  bool
	// stubs are the deps of an interface type of the module:
	// the contract test's local implementation gets a stub of each.
	stubs []stub
}

// stub is a Deps field of an interface type, and its type.
type stub struct {
	field string
	iface *types.Named
}

// crudShape is the scaffold's CRUD surface of an API: Create, Get, List,
// Update and Delete with the scaffold's signatures.
type crudShape struct {
	entity string // Estoque
	input  string // EstoqueInput
	page   string // EstoquePage
	params string // ListParams
	limit  *typ   // the type of ListParams.Limit
	// label is the entity's and the input's string field the contract
	// names entities by: Name, or the first required text field.
	label string
	// fields, when the module has --fields, are its fields: the contract
	// builds inputs from their samples.
	fields []field.Field
}
