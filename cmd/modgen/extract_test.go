package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/modgen-dev/modgen/internal/testtree"
)

// addReservations is what a user does before re-extracting: it adds two
// methods and a struct to estoque's API and implements them in a new file.
func addReservations(t *testing.T, root string) {
	t.Helper()
	api := filepath.Join(root, "internal", "estoque", "api.go")
	src, err := os.ReadFile(api)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), "\tDelete(ctx context.Context, id int64) error\n",
		"\tDelete(ctx context.Context, id int64) error\n"+
			"\tReservarItens(ctx context.Context, itens []Item) (string, error)\n"+
			"\tLiberarReserva(ctx context.Context, reservaID string) error\n", 1)
	s += `
// Item is one line of a reservation.
type Item struct {
	EstoqueID  int64             ` + "`json:\"estoque_id\"`" + `
	Quantidade int32             ` + "`json:\"quantidade\"`" + `
	Validade   time.Time         ` + "`json:\"validade\"`" + `
	Atributos  map[string]string ` + "`json:\"atributos,omitempty\"`" + `
}
`
	if s == string(src) {
		t.Fatal("api.go has no Delete method to add the reservations after")
	}
	if err := os.WriteFile(api, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	impl := `package estoque

import (
	"context"
	"fmt"
	"strings"
)

// ReservarItens reserves items that exist and returns the reservation id.
func (s *service) ReservarItens(ctx context.Context, itens []Item) (string, error) {
	if len(itens) == 0 {
		return "", &ValidationError{Field: "itens", Problem: "must not be empty"}
	}
	for _, it := range itens {
		if _, err := s.repo.get(ctx, it.EstoqueID); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("reserva-%d", itens[0].EstoqueID), nil
}

// LiberarReserva releases a reservation made by ReservarItens.
func (s *service) LiberarReserva(ctx context.Context, reservaID string) error {
	if !strings.HasPrefix(reservaID, "reserva-") {
		return ErrNotFound
	}
	return nil
}
`
	if err := os.WriteFile(filepath.Join(root, "internal", "estoque", "reserva.go"), []byte(impl), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExtractLeavesConsumersUnchanged proves branch by abstraction: extracting
// estoque (twice, the second time after its API grew) changes no file of the
// modules that use it, nor any other module's file.
func TestExtractLeavesConsumersUnchanged(t *testing.T) {
	dir := t.TempDir()
	for _, args := range seed {
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatalf("modgen %s: %s", strings.Join(args, " "), stderr)
		}
	}
	root := filepath.Join(dir, "loja")
	consumers := func() map[string][]byte {
		tree := map[string][]byte{}
		for _, m := range []string{"pedidos", "notificacoes"} {
			for p, b := range testtree.Read(t, filepath.Join(root, "internal", m)) {
				tree[m+"/"+p] = b
			}
		}
		return tree
	}
	before := consumers()
	if code, _, stderr := modgen(t, root, "extract", "module", "estoque"); code != 0 {
		t.Fatalf("extract: %s", stderr)
	}
	assertSameTree(t, before, consumers(), "extract module estoque")
	addReservations(t, root)
	if code, _, stderr := modgen(t, root, "extract", "module", "estoque"); code != 0 {
		t.Fatalf("re-extract: %s", stderr)
	}
	assertSameTree(t, before, consumers(), "re-extract module estoque")
}

// tool returns the path of a command the tests need, from PATH or from
// $(go env GOPATH)/bin, where .ci/setup installs it.
func tool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(strings.TrimSpace(string(gopath)), "bin", name)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("%s is not installed; run `bash .ci/setup`", name)
	}
	return p
}

// bufLint lints every .proto of the project with buf's STANDARD rules.
func bufLint(t *testing.T, root string) {
	t.Helper()
	conf := "version: v2\nmodules:\n  - path: proto\nlint:\n  use:\n    - STANDARD\n"
	if err := os.WriteFile(filepath.Join(root, "buf.yaml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(filepath.Join(root, "buf.yaml"))
	cmd := exec.Command(tool(t, "buf"), "lint")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("buf lint (STANDARD): %v\n%s", err, out)
	}
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestExtractEndToEnd runs the seed split in three processes: estoque and
// pedidos as services of their own, the monolith in front with
// ESTOQUE_REMOTE_ADDR and PEDIDOS_REMOTE_ADDR, serving notificacoes (which
// stays in process) to pedidos on GRPC_ADDR. The HTTP API is the same; a
// pedido is created through pedidos, which checks its estoque over gRPC
// (errors keep their meaning across two hops); a standard gRPC client
// (grpc-health-probe) talks to the services; processes start in any order;
// and estoque stopped, restarted, hung and resumed shows the calls really
// were remote and fail fast and honestly.
func TestExtractEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project")
	}
	probe := tool(t, "grpc-health-probe")
	dir := t.TempDir()
	extract := func(m string) []string { return []string{"-C", "loja", "extract", "module", m} }
	for _, args := range append(seed[:len(seed):len(seed)], extract("estoque"), extract("notificacoes"), extract("pedidos")) {
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatalf("modgen %s: %s", strings.Join(args, " "), stderr)
		}
	}
	root := filepath.Join(dir, "loja")
	bin := filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cmd/...")
	build.Dir, build.Env = root, offlineEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/...: %v\n%s", err, out)
	}

	// estoque and pedidos run in processes of their own; notificacoes,
	// extracted too, keeps running in the monolith, which serves it over
	// gRPC (GRPC_ADDR) to pedidos.
	grpcAddr, httpAddr, apiGRPC, pedidosAddr := freeAddr(t), freeAddr(t), freeAddr(t), freeAddr(t)
	start := func(name string, env ...string) (*exec.Cmd, *bytes.Buffer) {
		cmd := exec.Command(filepath.Join(bin, name))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		var logs bytes.Buffer
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd, &logs
	}
	startService := func(name, addr string, env ...string) (*exec.Cmd, *bytes.Buffer) {
		svc, logs := start(name, append(env, "ADDR="+addr, "DATABASE_URL=sqlite:"+filepath.Join(dir, name+".db"))...)
		var probeOut []byte
		var err error
		for deadline := time.Now().Add(15 * time.Second); ; {
			probeOut, err = exec.Command(probe, "-addr="+addr).CombinedOutput()
			if err == nil || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if err != nil || !strings.Contains(string(probeOut), "SERVING") {
			t.Fatalf("grpc-health-probe: %v %s\n%s logs:\n%s", err, probeOut, name, logs)
		}
		return svc, logs
	}
	startEstoque := func() (*exec.Cmd, *bytes.Buffer) { return startService("estoque", grpcAddr) }

	// pedidos calls estoque and notificacoes: without their addresses it
	// refuses to start, naming the variable.
	noDeps := exec.Command(filepath.Join(bin, "pedidos"))
	noDeps.Env = append(os.Environ(), "ADDR="+pedidosAddr, "DATABASE_URL=sqlite:"+filepath.Join(dir, "nodeps.db"))
	if out, err := noDeps.CombinedOutput(); err == nil || !strings.Contains(string(out), "set ESTOQUE_REMOTE_ADDR") {
		t.Errorf("pedidos without ESTOQUE_REMOTE_ADDR: %v\n%s; want exit 1 naming the variable", err, out)
	}

	api, apiLogs := start("api", "ADDR="+httpAddr, "GRPC_ADDR="+apiGRPC, "ESTOQUE_REMOTE_ADDR="+grpcAddr, "PEDIDOS_REMOTE_ADDR="+pedidosAddr, "DATABASE_URL=sqlite:"+filepath.Join(dir, "api.db"))
	base := "http://" + httpAddr
	call := func(method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), method, base+path, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v\napi logs:\n%s", method, path, err, apiLogs)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the monolith did not start:\n%s", apiLogs)
		}
	}
	// The monolith started first, with estoque and pedidos down: it serves
	// its own routes, and theirs answer 503 until they are up.
	if code, got := call("GET", "/notificacoes", ""); code != http.StatusOK {
		t.Errorf("GET /notificacoes with estoque down = %d %v; want 200: notificacoes runs in process", code, got)
	}
	if code, got := call("GET", "/estoque/1", ""); code != http.StatusServiceUnavailable {
		t.Errorf("GET /estoque with estoque not started = %d %v; want 503", code, got)
	}
	if code, got := call("GET", "/healthz", ""); code != http.StatusOK || got["status"] != "degraded" {
		t.Errorf("GET /healthz with estoque not started = %d %v; want 200 degraded", code, got)
	}
	_, pedidosLogs := startService("pedidos", pedidosAddr, "ESTOQUE_REMOTE_ADDR="+grpcAddr, "NOTIFICACOES_REMOTE_ADDR="+apiGRPC)
	estoque, estoqueLogs := startEstoque()
	waitFor200 := func(path string) time.Duration {
		t.Helper()
		up := time.Now()
		for {
			code, _ := call("GET", path, "")
			if code == http.StatusOK || code == http.StatusNotFound {
				return time.Since(up)
			}
			if time.Since(up) > 10*time.Second {
				t.Fatalf("GET %s still answers %d %s after estoque is up\napi logs:\n%s", path, code, time.Since(up), apiLogs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("estoque reached through the monolith %s after it was serving (started second)", waitFor200("/estoque/1"))
	// The monolith's connection to pedidos, refused before pedidos started
	// and not used since, reconnects within its backoff cap (1 s): the
	// health check says ok once it has.
	healthy := time.Now()
	for {
		code, got := call("GET", "/healthz", "")
		if code == http.StatusOK && got["status"] == "ok" {
			t.Logf("GET /healthz ok %s after estoque was reached", time.Since(healthy))
			break
		}
		if time.Since(healthy) > 5*time.Second {
			t.Errorf("GET /healthz with estoque and pedidos up = %d %v for %s; want 200 ok", code, got, time.Since(healthy))
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	code, item := call("POST", "/estoque", `{"name":"parafuso"}`)
	if code != http.StatusCreated {
		t.Fatalf("POST /estoque over gRPC = %d %v", code, item)
	}
	if code, got := call("GET", fmt.Sprintf("/estoque/%v", item["id"]), ""); code != http.StatusOK || got["name"] != "parafuso" {
		t.Errorf("GET /estoque/%v = %d %v", item["id"], code, got)
	}
	if code, got := call("GET", "/estoque/4242", ""); code != http.StatusNotFound {
		t.Errorf("GET a missing estoque over gRPC = %d %v; want 404 (ErrNotFound kept its identity)", code, got)
	}
	if code, got := call("POST", "/estoque", `{"name":""}`); code != http.StatusBadRequest || got["detail"] != `"name": must not be empty` {
		t.Errorf("POST an invalid estoque over gRPC = %d %v; want 400 on name (ValidationError kept its field)", code, got)
	}
	// monolith -> pedidos -> estoque, two processes away, over gRPC.
	waitFor200("/pedidos")
	if code, got := call("POST", "/pedidos", fmt.Sprintf(`{"name":"pedido","estoque_id":%v}`, item["id"])); code != http.StatusCreated {
		t.Errorf("POST /pedidos through pedidos to estoque = %d %v\npedidos logs:\n%s", code, got, pedidosLogs)
	}
	if code, got := call("POST", "/pedidos", `{"name":"pedido","estoque_id":4242}`); code != http.StatusBadRequest || got["detail"] != `"estoque_id": estoque 4242 does not exist` {
		t.Errorf("POST /pedidos referring to a missing remote estoque = %d %v; want 400 on estoque_id", code, got)
	}

	// Stop the service: it drains and exits cleanly, and the monolith's
	// estoque routes now answer 503 (retry later): they were never served
	// locally.
	estoque.Process.Signal(syscall.SIGTERM)
	if err := estoque.Wait(); err != nil {
		t.Errorf("estoque after SIGTERM: %v\n%s", err, estoqueLogs)
	}
	stopped := time.Now()
	if code, got := call("GET", fmt.Sprintf("/estoque/%v", item["id"]), ""); code != http.StatusServiceUnavailable || got["title"] != "Service Unavailable" {
		t.Errorf("GET /estoque with the service stopped = %d %v; want 503 problem details", code, got)
	}
	if took := time.Since(stopped); took > 100*time.Millisecond {
		t.Errorf("503 with estoque stopped took %s; want it within 100 ms", took)
	} else {
		t.Logf("503 with estoque stopped answered in %s", took)
	}
	// The failed call is logged once, naming module, method and address.
	if logs := apiLogs.String(); !strings.Contains(logs, `"msg":"remote call failed","module":"estoque","method":"/estoque.v1.EstoqueService/Get","addr":"`+grpcAddr+`"`) {
		t.Errorf("api logs lack the failed call to estoque with its method and address:\n%s", logs)
	}

	// Restarted, estoque is used again within about a second.
	estoque, _ = startEstoque()
	if took := waitFor200(fmt.Sprintf("/estoque/%v", item["id"])); took > 1500*time.Millisecond {
		t.Errorf("estoque restarted, yet the monolith reached it only after %s; want about a second", took)
	} else {
		t.Logf("estoque restarted: reached through the monolith %s after it was serving", took)
	}
	// Hung (SIGSTOP: connections open, nothing answers): estoque's routes
	// answer 504 at the call deadline, then, once the breaker opens, 503 at
	// once, while routes that do not need estoque keep their latency.
	// Resumed, estoque is used again after the breaker's pause.
	estoque.Process.Signal(syscall.SIGSTOP)
	waitStopped(t, estoque.Process.Pid)
	itemPath := fmt.Sprintf("/estoque/%v", item["id"])
	var timeouts int
	for i := 0; i < 10; i++ {
		t0 := time.Now()
		code, _ := call("GET", itemPath, "")
		took := time.Since(t0)
		if code == http.StatusServiceUnavailable && took < 100*time.Millisecond {
			t.Logf("hung estoque: %d calls answered 504 at the deadline, then 503 in %s", timeouts, took)
			break
		}
		if code != http.StatusGatewayTimeout || took > 3*time.Second {
			t.Fatalf("GET %s with estoque hung = %d after %s; want 504 within the 2 s deadline", itemPath, code, took)
		}
		timeouts++
	}
	if timeouts == 0 || timeouts > 5 {
		t.Errorf("%d calls waited for the hung estoque; want the breaker to open after 5", timeouts)
	}
	t0 := time.Now()
	if code, _ := call("GET", "/notificacoes", ""); code != http.StatusOK || time.Since(t0) > 200*time.Millisecond {
		t.Errorf("GET /notificacoes with estoque hung = %d in %s; want 200 at its usual latency", code, time.Since(t0))
	}
	estoque.Process.Signal(syscall.SIGCONT)
	if took := waitFor200(itemPath); took > 2500*time.Millisecond {
		t.Errorf("estoque resumed, yet reached only after %s; want about the breaker's pause (1 s)", took)
	} else {
		t.Logf("estoque resumed: reached again after %s", took)
	}
	estoque.Process.Signal(syscall.SIGTERM)
	estoque.Wait()
	api.Process.Signal(syscall.SIGTERM)
	if err := api.Wait(); err != nil {
		t.Errorf("api after SIGTERM: %v\n%s", err, apiLogs)
	}
}

// waitStopped waits until the kernel reports process pid stopped: kill(2)
// returns before every thread of the target has taken the SIGSTOP, so a
// request sent at once may still be answered.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	stat := fmt.Sprintf("/proc/%d/stat", pid)
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		b, err := os.ReadFile(stat)
		if err != nil {
			t.Fatalf("process %d: %v", pid, err)
		}
		// The state follows the command name, which is in parentheses.
		if i := bytes.LastIndexByte(b, ')'); i >= 0 && len(b) > i+2 && (b[i+2] == 'T' || b[i+2] == 't') {
			return
		}
	}
	t.Fatalf("process %d not stopped 5 s after SIGSTOP", pid)
}
