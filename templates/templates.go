// Package templates holds the text/template sources of everything modgen
// scaffolds. Templates are named *.tmpl so they never compile here; a file
// named dot-NAME.tmpl becomes .NAME.
package templates

import "embed"

// FS holds the project, module, wiring and extraction templates, and the
// support package of entity fields (pkg/scalar).
//
//go:embed all:project all:module all:wiring all:extract all:fields all:deploy
var FS embed.FS

// GRPCSum holds the go.sum lines a project needs once a module is served
// over gRPC, on top of those of a new project.
//
//go:embed grpc.sum
var GRPCSum []byte
