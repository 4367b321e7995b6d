package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/modgen-dev/modgen/internal/testtree"
)

// oldProject makes a project as an older modgen wrote it: without the
// shared packages that newer module templates use (pkg/httpx, the row
// helpers of pkg/database, pkg/telemetry and the tracing of pkg/server),
// without their records in modgen.sum, and without the requirements of
// OpenTelemetry and Prometheus in go.mod and go.sum.
func oldProject(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if code, _, stderr := modgen(t, dir, seed[0]...); code != 0 {
		t.Fatal(stderr)
	}
	root := filepath.Join(dir, "loja")
	edit := func(path string, pairs ...string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for i := 0; i < len(pairs); i += 2 {
			if !strings.Contains(s, pairs[i]) {
				t.Fatalf("%s lacks %q", path, pairs[i])
			}
			s = strings.ReplaceAll(s, pairs[i], pairs[i+1])
		}
		if err := os.WriteFile(filepath.Join(root, path), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("cmd/api/main.go",
		"\t\"github.com/acme/loja/pkg/telemetry\"\n", "",
		"\tshutdownTracing, err := telemetry.Setup(ctx, \"api\", getenv)\n\tif err != nil {\n\t\treturn err\n\t}\n\tdefer shutdownTracing(context.WithoutCancel(ctx))\n", "",
		"slog.New(telemetry.LogHandler(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel})))", "slog.New(slog.NewJSONHandler(stdout, &slog.HandlerOptions{Level: cfg.LogLevel}))",
		"\ta.close = append([]func() error{telemetry.RegisterDB(db, \"api\")}, a.close...)\n", "",
		"\tmux.Handle(\"GET /metrics\", telemetry.MetricsHandler())\n", "")
	edit("pkg/server/middleware.go", "observe(requestID(accessLog(recoverPanics(routerProblems(routed(h)), log), log)))", "requestID(accessLog(recoverPanics(routerProblems(h), log), log))")
	mod, _ := os.ReadFile(filepath.Join(root, "go.mod"))
	sum, _ := os.ReadFile(filepath.Join(root, "go.sum"))
	var oldMod, oldSum []string
	for _, line := range strings.SplitAfter(string(mod), "\n") {
		if !strings.Contains(line, "opentelemetry") && !strings.Contains(line, "prometheus") && !strings.Contains(line, "grpc") && !strings.Contains(line, "google.golang.org") {
			oldMod = append(oldMod, line)
		}
	}
	for _, line := range strings.SplitAfter(string(sum), "\n") {
		if !strings.Contains(line, "opentelemetry") && !strings.Contains(line, "prometheus") {
			oldSum = append(oldSum, line)
		}
	}
	os.WriteFile(filepath.Join(root, "go.mod"), []byte(strings.Join(oldMod, "")), 0o644)
	os.WriteFile(filepath.Join(root, "go.sum"), []byte(strings.Join(oldSum, "")), 0o644)
	gone := []string{"pkg/httpx/", "pkg/database/rows.go", "pkg/database/rows_test.go", "pkg/telemetry/", "pkg/server/observe.go"}
	for _, g := range gone {
		if err := os.RemoveAll(filepath.Join(root, g)); err != nil {
			t.Fatal(err)
		}
	}
	sums, err := os.ReadFile(filepath.Join(root, tree.SumFile))
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.SplitAfter(string(sums), "\n") {
		if !strings.HasPrefix(line, "pkg/httpx/") && !strings.HasPrefix(line, "pkg/database/rows") && !strings.HasPrefix(line, "pkg/telemetry/") && !strings.HasPrefix(line, "pkg/server/observe.go") {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(filepath.Join(root, tree.SumFile), []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// TestAddModuleWritesMissingSharedPackages: add module in a project made by
// an older modgen writes the shared packages its code imports, and the
// project builds, vets and passes its tests.
func TestAddModuleWritesMissingSharedPackages(t *testing.T) {
	root := oldProject(t)
	code, stdout, stderr := modgen(t, root, "add", "module", "estoque")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, f := range []string{"pkg/httpx/decode.go", "pkg/httpx/problem.go", "pkg/httpx/httpxtest/httpxtest.go", "pkg/database/rows.go", "pkg/telemetry/telemetry.go", "pkg/server/observe.go"} {
		if !strings.Contains(stdout, "create    "+f+"\n") {
			t.Errorf("output does not create %s:\n%s", f, stdout)
		}
	}
	if mod, _ := os.ReadFile(filepath.Join(root, "go.mod")); !strings.Contains(string(mod), "go.opentelemetry.io/otel/sdk v") {
		t.Errorf("go.mod does not require what pkg/telemetry imports:\n%s", mod)
	}
	if code, stdout, _ := modgen(t, root, "add", "module", "estoque"); code != 0 || !strings.Contains(stdout, "nothing changed") {
		t.Errorf("second run: exit %d:\n%s", code, stdout)
	}
	if testing.Short() {
		return
	}
	goCheck(t, root)
}

// TestDeletedSharedPackageIsReported: a shared file the user deleted after
// modgen wrote it is not written again by add module; a warning names it.
func TestDeletedSharedPackageIsReported(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := modgen(t, dir, seed[0]...); code != 0 {
		t.Fatal(stderr)
	}
	root := filepath.Join(dir, "loja")
	os.Remove(filepath.Join(root, "pkg/database/rows.go"))
	code, _, stderr := modgen(t, root, "add", "module", "estoque")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "modgen: warning: pkg/database/rows.go is missing (you deleted it after modgen wrote it) and the code this command writes uses package pkg/database; restore it from version control\n"
	if stderr != want {
		t.Errorf("stderr %q; want %q", stderr, want)
	}
	if _, err := os.Stat(filepath.Join(root, "pkg/database/rows.go")); err == nil {
		t.Error("a file the user deleted was written again")
	}
}

// TestAddModuleWarnsOfAnOldMigrator: in a project whose pkg/database reads
// migrations from the root of a module's folder (before migrations per
// dialect), add module says the new module's tables would not be created.
func TestAddModuleWarnsOfAnOldMigrator(t *testing.T) {
	root := oldProject(t)
	path := filepath.Join(root, "pkg/database/migrate.go")
	if err := os.WriteFile(path, []byte("package database\n\n// Migrate applies every *.sql file of a source.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := modgen(t, root, "add", "module", "estoque")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "modgen: warning: pkg/database/migrate.go predates migrations per dialect") {
		t.Errorf("stderr %q; want the warning about pkg/database/migrate.go", stderr)
	}
	if code, _, stderr := modgen(t, root, "add", "module", "notificacoes"); code != 0 || !strings.Contains(stderr, "predates") {
		t.Errorf("second module: exit %d, stderr %q; want the warning again", code, stderr)
	}
}

// TestOldEventBusWarns: a module written when modules published through
// pkg/eventbus no longer builds with the outbox wiring; every command says
// so, naming the module, instead of leaving the user with a build error.
func TestOldEventBusWarns(t *testing.T) {
	dir := t.TempDir()
	for _, args := range seed[:2] {
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatal(stderr)
		}
	}
	root := filepath.Join(dir, "loja")
	module := filepath.Join(root, "internal", "estoque", "module.go")
	src, err := os.ReadFile(module)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(src), `/pkg/outbox"`, `/pkg/eventbus"`, 1)
	if err := os.WriteFile(module, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	// The package as an older modgen wrote it (its content does not matter
	// here: the project is expected not to build).
	testtree.Write(t, root, map[string]string{"pkg/eventbus/eventbus.go": "package eventbus\n"})
	code, _, stderr := modgen(t, root, "add", "module", "clientes")
	if code != 0 || !strings.Contains(stderr, "modgen: warning: internal/estoque uses pkg/eventbus, which this modgen replaced by pkg/outbox") {
		t.Errorf("add module in a project with an eventbus module: exit %d, stderr:\n%s", code, stderr)
	}
	if strings.Contains(stderr, "internal/clientes uses") {
		t.Errorf("the new module is named too:\n%s", stderr)
	}
}
