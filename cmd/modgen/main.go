// Command modgen scaffolds and evolves modular-monolith Go projects.
package main

import (
	"os"
	"runtime/debug"
)

func main() {
	tuneGC()
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// gcMemoryLimit is the heap modgen lets itself grow to before it collects
// garbage. A command allocates a few times its live data (rendering and
// formatting make short-lived copies of every file) and lives for tens of
// milliseconds, so collecting at the default GOGC=100 (from a 4 MB heap)
// costs CPU and frees nothing that matters. Under this limit the process
// stays within its budget of 64 MB peak RSS (BENCHMARKS.md); above it the
// collector runs as often as needed.
const gcMemoryLimit = 40 << 20

// tuneGC turns the proportional collector off in favour of gcMemoryLimit,
// unless the user set GOGC or GOMEMLIMIT.
func tuneGC() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(gcMemoryLimit)
	debug.SetGCPercent(-1)
}
