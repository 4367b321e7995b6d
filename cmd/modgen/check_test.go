package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/modgen-dev/modgen/generator/tree"
	"github.com/spf13/cobra"
)

// checkFixture writes a project with modules estoque (extracted) and
// pedidos (depends on estoque), plus files, and returns its root.
func checkFixture(t *testing.T, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	all := map[string]string{
		"go.mod": "module github.com/acme/loja\n\ngo 1.26.0\n",
		"modgen.yaml": `modgen: v0.1.0-dev
module: github.com/acme/loja
name: loja
database: sqlite
modules:
  - name: estoque
    entity: Produto
    extracted:
      port: 50051
  - name: pedidos
    entity: Pedido
    depends_on: [estoque]
files: {}
`,
		"internal/estoque/api.go":            "package estoque\n\nimport _ \"github.com/acme/loja/internal/estoque/domain\"\n",
		"internal/estoque/domain/produto.go": "package domain\n",
		"internal/pedidos/service.go":        "package pedidos\n\nimport _ \"github.com/acme/loja/internal/estoque\"\n",
	}
	for rel, content := range files {
		all[rel] = content
	}
	for rel, content := range all {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// execCommand runs a command built by newCmd in dir (as -C dir would) and
// returns its output and error, as run would see them.
func execCommand(t *testing.T, newCmd func(*globals) *cobra.Command, dir string, dryRun bool, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	g := &globals{dir: dir, dryRun: dryRun, stdout: &out, stderr: &errb}
	cmd := newCmd(g)
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	cmd.SilenceErrors, cmd.SilenceUsage = true, true
	err = cmd.Execute()
	return out.String(), errb.String(), err
}

const privateImport = "internal/pedidos/repository.go:3: pedidos imports github.com/acme/loja/internal/estoque/domain, a private package of estoque; use estoque's public API (package internal/estoque)\n"

func TestCheckCmd(t *testing.T) {
	clean := checkFixture(t, nil)
	out, _, err := execCommand(t, newCheckCmd, clean, false)
	if err != nil || out != "modgen check: 0 violations in 2 modules\n" {
		t.Errorf("clean: out %q, err %v", out, err)
	}

	dirty := checkFixture(t, map[string]string{
		"internal/pedidos/repository.go": "package pedidos\n\nimport _ \"github.com/acme/loja/internal/estoque/domain\"\n",
	})
	out, _, err = execCommand(t, newCheckCmd, dirty, false)
	if out != privateImport {
		t.Errorf("violation: out %q, want %q", out, privateImport)
	}
	if err == nil || err.Error() != "check: 1 violation in 2 modules" {
		t.Errorf("violation: err %v, want the summary", err)
	}

	out, _, err = execCommand(t, newCheckCmd, dirty, false, "--format", "json")
	var report struct {
		Summary    string `json:"summary"`
		Violations []struct {
			File string `json:"file"`
			Line int    `json:"line"`
			Rule string `json:"rule"`
		} `json:"violations"`
	}
	if jerr := json.Unmarshal([]byte(out), &report); jerr != nil {
		t.Fatalf("json: %v\n%s", jerr, out)
	}
	if report.Summary != "1 violation in 2 modules" || len(report.Violations) != 1 || report.Violations[0].Line != 3 || report.Violations[0].Rule != "private-import" {
		t.Errorf("json report: %+v", report)
	}
	if err == nil || err.Error() != "check: 1 violation in 2 modules" {
		t.Errorf("json: err %v", err)
	}
}

func TestCheckCmdBaseline(t *testing.T) {
	root := checkFixture(t, map[string]string{
		"internal/pedidos/repository.go": "package pedidos\n\nimport _ \"github.com/acme/loja/internal/estoque/domain\"\n",
	})
	baseline := filepath.Join(root, "modgen-baseline.json")

	out, _, err := execCommand(t, newCheckCmd, root, true, "--baseline")
	if _, serr := os.Stat(baseline); serr == nil {
		t.Fatal("--dry-run --baseline wrote the baseline")
	}
	if !strings.HasPrefix(out, "dry run: nothing written in ") || !strings.Contains(out, "\ncreate    modgen-baseline.json\n") || err == nil {
		t.Errorf("dry run: out %q, err %v", out, err)
	}

	out, _, err = execCommand(t, newCheckCmd, root, false, "--baseline")
	want := "wrote modgen-baseline.json (1 entry): from now on only new violations fail; commit it\n" +
		"modgen check: 1 violation in 2 modules (0 new, 1 in baseline)\n"
	if err != nil || out != want {
		t.Errorf("--baseline: out %q, err %v; want %q", out, err, want)
	}
	out, _, err = execCommand(t, newCheckCmd, root, false)
	if err != nil || out != "modgen check: 1 violation in 2 modules (0 new, 1 in baseline)\n" {
		t.Errorf("baselined: out %q, err %v", out, err)
	}

	// A new violation fails; the baselined one stays quiet.
	if err := os.WriteFile(filepath.Join(root, "internal/estoque/reserva.go"), []byte("package estoque\n\nimport _ \"github.com/acme/loja/internal/pedidos\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, err = execCommand(t, newCheckCmd, root, false)
	wantOut := "internal/estoque/reserva.go:3: modules import each other in a cycle: estoque → pedidos → estoque; remove one of these imports: let one side declare the interface it needs and have cmd/api wire it, or have one side subscribe to the other's events (modgen add subscription)\n" +
		"internal/estoque/reserva.go:3: estoque imports pedidos without declaring it; add pedidos to depends_on of estoque in modgen.yaml\n"
	if out != wantOut {
		t.Errorf("new violations: out\n%s\nwant\n%s", out, wantOut)
	}
	if err == nil || err.Error() != "check: 3 violations in 2 modules (2 new, 1 in baseline)" {
		t.Errorf("new violations: err %v", err)
	}
	if err := os.Remove(filepath.Join(root, "internal/estoque/reserva.go")); err != nil {
		t.Fatal(err)
	}

	// Fixing the baselined violation lists it; --prune drops it.
	if err := os.Remove(filepath.Join(root, "internal/pedidos/repository.go")); err != nil {
		t.Fatal(err)
	}
	out, _, err = execCommand(t, newCheckCmd, root, false)
	wantOut = "fixed, still in modgen-baseline.json (drop with modgen check --prune):\n" +
		"  internal/pedidos/repository.go: pedidos imports github.com/acme/loja/internal/estoque/domain, a private package of estoque; use estoque's public API (package internal/estoque)\n" +
		"modgen check: 0 violations in 2 modules (0 new, 0 in baseline, 1 baseline entry fixed: run modgen check --prune)\n"
	if err != nil || out != wantOut {
		t.Errorf("fixed: out\n%s\nwant\n%s\nerr %v", out, wantOut, err)
	}
	before, _ := os.ReadFile(baseline)
	if _, _, err := execCommand(t, newCheckCmd, root, true, "--prune"); err != nil {
		t.Errorf("--dry-run --prune: %v", err)
	}
	if after, _ := os.ReadFile(baseline); !bytes.Equal(before, after) {
		t.Error("--dry-run --prune changed the baseline")
	}
	out, _, err = execCommand(t, newCheckCmd, root, false, "--prune")
	if err != nil || out != "removed 1 entry (fixed) from modgen-baseline.json\nmodgen check: 0 violations in 2 modules (0 new, 0 in baseline)\n" {
		t.Errorf("--prune: out %q, err %v", out, err)
	}
	if data, _ := os.ReadFile(baseline); bytes.Contains(data, []byte("repository.go")) {
		t.Errorf("pruned baseline still lists the fixed entry:\n%s", data)
	}

	// JSON keeps stdout for the report.
	out, stderr, err := execCommand(t, newCheckCmd, root, false, "--format", "json", "--baseline")
	if err != nil || !json.Valid([]byte(out)) || !strings.Contains(stderr, "modgen check: 0 violations") {
		t.Errorf("json --baseline: out %q, stderr %q, err %v", out, stderr, err)
	}
}

func TestCheckCmdErrors(t *testing.T) {
	root := checkFixture(t, nil)
	var ue usageError
	for _, args := range [][]string{{"--format", "xml"}, {"--baseline", "--prune"}, {"extra"}} {
		_, _, err := execCommand(t, newCheckCmd, root, false, args...)
		if !errors.As(err, &ue) {
			t.Errorf("check %v: got %v, want a usage error", args, err)
		}
	}
	_, _, err := execCommand(t, newCheckCmd, root, false, "--prune")
	if err == nil || !strings.Contains(err.Error(), "no modgen-baseline.json") || !strings.Contains(err.Error(), "modgen check --baseline") {
		t.Errorf("--prune without a baseline: %v", err)
	}
	for _, newCmd := range []func(*globals) *cobra.Command{newCheckCmd, newGraphCmd} {
		_, _, err := execCommand(t, newCmd, t.TempDir(), false)
		if !errors.Is(err, tree.ErrNotProject) {
			t.Errorf("outside a project: got %v, want %v", err, tree.ErrNotProject)
		}
	}
}

func TestGraphCmd(t *testing.T) {
	root := checkFixture(t, map[string]string{
		"internal/pedidos/repository.go": "package pedidos\n\nimport _ \"github.com/acme/loja/internal/estoque/domain\"\n",
	})
	out, _, err := execCommand(t, newGraphCmd, root, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"flowchart LR\n", `    estoque[["estoque (extracted)"]]` + "\n", `    pedidos -->|"private import"| estoque` + "\n", "linkStyle 0 "} {
		if !strings.Contains(out, want) {
			t.Errorf("mermaid lacks %q:\n%s", want, out)
		}
	}
	out, _, err = execCommand(t, newGraphCmd, root, false, "--format", "dot")
	if err != nil || !strings.HasSuffix(out, "    \"pedidos\" -> \"estoque\" [color=red, fontcolor=red, penwidth=2, label=\"private import\"];\n}\n") {
		t.Errorf("dot: err %v\n%s", err, out)
	}
	var ue usageError
	if _, _, err := execCommand(t, newGraphCmd, root, false, "--format", "png"); !errors.As(err, &ue) || !strings.Contains(err.Error(), "use mermaid or dot") {
		t.Errorf("--format png: %v", err)
	}
}
