// Package templates holds the text/template sources of everything modgen
// scaffolds. Templates are named *.tmpl so they never compile here; a file
// named dot-NAME.tmpl becomes .NAME.
package templates

import "embed"

// FS holds the project, module, wiring, extraction and subscription
// templates, the support package of entity fields (pkg/scalar) and the
// deployment files.
//
//go:embed all:project all:module all:wiring all:wiremodule all:extract all:fields all:deploy all:subscription all:subscriber all:nats all:events
var FS embed.FS

// GRPCSum holds the go.sum lines a project needs once a module is served
// over gRPC, on top of those of a new project.
//
//go:embed grpc.sum
var GRPCSum []byte

// NATSSum holds the go.sum lines a project needs once a module subscribes to
// events (the NATS JetStream transport), on top of those of a new project.
//
//go:embed nats.sum
var NATSSum []byte
