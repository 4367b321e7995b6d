package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// sharedNATS is the JetStream server of the machine (see .ci/setup).
const sharedNATS = "127.0.0.1:4222"

// natsRequest sends one message with headers over the NATS protocol and, if
// reply is set, returns the answer. This module has no NATS client: the
// protocol's few text lines are enough to drive the JetStream API.
func natsRequest(addr, subject string, header map[string]string, payload []byte, reply bool) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	r := bufio.NewReader(conn)
	if _, err := r.ReadString('\n'); err != nil { // INFO
		return "", err
	}
	hdr := "NATS/1.0\r\n"
	for k, v := range header {
		hdr += k + ": " + v + "\r\n"
	}
	hdr += "\r\n"
	fmt.Fprintf(conn, "CONNECT {\"verbose\":false,\"headers\":true}\r\nSUB _INBOX.modgen 1\r\nHPUB %s _INBOX.modgen %d %d\r\n%s%s\r\nPING\r\n",
		subject, len(hdr), len(hdr)+len(payload), hdr, payload)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "", err
		}
		switch f := strings.Fields(line); {
		case len(f) == 0:
		case f[0] == "-ERR":
			return "", fmt.Errorf("nats: %s", strings.TrimSpace(line))
		case f[0] == "PONG" && !reply:
			return "", nil
		case f[0] == "PING":
			fmt.Fprint(conn, "PONG\r\n")
		case f[0] == "MSG" || f[0] == "HMSG":
			n, _ := strconv.Atoi(f[len(f)-1])
			body := make([]byte, n+2)
			if _, err := io.ReadFull(r, body); err != nil {
				return "", err
			}
			return string(body[:n]), nil
		}
	}
}

// requireNATS fails the test when no JetStream server answers at addr.
func requireNATS(t *testing.T, addr string) {
	t.Helper()
	out, err := natsRequest(addr, "$JS.API.INFO", nil, nil, true)
	if err != nil || !strings.Contains(out, `"type":"io.nats.jetstream.api.v1.account_info_response"`) || strings.Contains(out, `"error"`) {
		t.Fatalf("no NATS JetStream server at %s (%v %s); run `bash .ci/setup`, which starts it", addr, err, out)
	}
}

// natsServer is a nats-server of the test's own, on a free port, with its
// store in a folder of the test: it can be stopped and started again
// without touching the machine's server.
type natsServer struct {
	t         *testing.T
	addr, dir string
	cmd       *exec.Cmd
}

func startOwnNATS(t *testing.T) *natsServer {
	t.Helper()
	s := &natsServer{t: t, addr: freeAddr(t), dir: t.TempDir()}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *natsServer) start() {
	s.t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		bin = "/usr/sbin/nats-server"
	}
	host, port, _ := net.SplitHostPort(s.addr)
	s.cmd = exec.Command(bin, "-a", host, "-p", port, "-js", "-sd", s.dir)
	if err := s.cmd.Start(); err != nil {
		s.t.Fatalf("nats-server: %v; install Debian's nats-server (bash .ci/setup)", err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := natsRequest(s.addr, "$JS.API.INFO", nil, nil, true); err == nil {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("nats-server on %s did not answer", s.addr)
		}
	}
}

func (s *natsServer) stop() {
	if s.cmd != nil {
		s.cmd.Process.Signal(syscall.SIGTERM)
		s.cmd.Wait()
		s.cmd = nil
	}
}

// received returns the event ids of the "event received" log lines of
// module in logs, in order.
func received(logs, module string) []string {
	var ids []string
	for _, line := range strings.Split(logs, "\n") {
		var raw map[string]any
		if json.Unmarshal([]byte(line), &raw) != nil || raw["msg"] != "event received" || raw["module"] != module {
			continue
		}
		if id, ok := raw["event_id"].(string); ok {
			ids = append(ids, id)
		}
	}
	return ids
}

// TestEventsAcrossProcesses runs the seed with notificacoes subscribed to
// pedidos' created event and pedidos in a process of its own, on NATS
// JetStream: the machine's server, then one the test stops and restarts.
// Without NATS_URL both processes refuse to start; a pedido created through
// the monolith (pedidos' process commits it and its event) makes
// notificacoes' handler run in the monolith, and an estoque item created in
// the monolith makes pedidos' handler run in pedidos' process; an event committed by a pedidos
// killed before relaying it arrives after its restart; an event published
// again runs the handler once; and events created while the broker is down
// wait in the outbox and all arrive once it is back.
func TestEventsAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project")
	}
	requireNATS(t, sharedNATS)
	dir := t.TempDir()
	cmds := append(seed[:len(seed):len(seed)],
		[]string{"-C", "loja", "add", "subscription", "notificacoes", "pedidos.PedidoCreated"},
		[]string{"-C", "loja", "add", "subscription", "pedidos", "estoque.EstoqueCreated"},
		[]string{"-C", "loja", "extract", "module", "estoque"},
		[]string{"-C", "loja", "extract", "module", "notificacoes"},
		[]string{"-C", "loja", "extract", "module", "pedidos"})
	_, bin := generateAndBuild(t, dir, cmds, "./cmd/api", "./cmd/pedidos")

	// The streams of this test, apart from any other's, deleted at the end.
	prefix := fmt.Sprintf("modgentest%d", time.Now().UnixNano())
	t.Cleanup(func() {
		for _, publisher := range []string{"pedidos", "estoque"} {
			natsRequest(sharedNATS, "$JS.API.STREAM.DELETE."+strings.ToUpper(prefix+"_"+publisher), nil, nil, true)
		}
	})

	httpAddr, apiGRPC, pedidosAddr := freeAddr(t), freeAddr(t), freeAddr(t)
	apiEnv := []string{"ADDR=" + httpAddr, "GRPC_ADDR=" + apiGRPC, "PEDIDOS_REMOTE_ADDR=" + pedidosAddr,
		"DATABASE_URL=sqlite:" + filepath.Join(dir, "api.db"), "NATS_PREFIX=" + prefix}
	pedidosEnv := []string{"ADDR=" + pedidosAddr, "ESTOQUE_REMOTE_ADDR=" + apiGRPC, "NOTIFICACOES_REMOTE_ADDR=" + apiGRPC,
		"DATABASE_URL=sqlite:" + filepath.Join(dir, "pedidos.db"), "NATS_PREFIX=" + prefix}

	// Without NATS_URL neither process starts: the events would be lost.
	for name, env := range map[string][]string{"api": apiEnv, "pedidos": pedidosEnv} {
		cmd := exec.Command(filepath.Join(bin, name))
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "notificacoes subscribes to pedidos.PedidoCreated") || !strings.Contains(string(out), "set NATS_URL") {
			t.Errorf("%s without NATS_URL: %v\n%s; want exit 1 naming the subscription and NATS_URL", name, err, out)
		}
	}

	start := func(name string, env ...string) (*exec.Cmd, *syncBuffer) {
		cmd := exec.Command(filepath.Join(bin, name))
		cmd.Dir, cmd.Env = dir, append(os.Environ(), env...)
		logs := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd, logs
	}
	natsURL := "NATS_URL=nats://" + sharedNATS
	api, apiLogs := start("api", append(apiEnv, natsURL)...)
	pedidos, pedidosLogs := start("pedidos", append(pedidosEnv, natsURL)...)
	base := "http://" + httpAddr
	createPedido := func(name string) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			resp, err := http.Post(base+"/pedidos", "application/json", strings.NewReader(`{"name":"`+name+`"}`))
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("POST /pedidos: %v %v\napi logs:\n%s\npedidos logs:\n%s", resp, err, apiLogs, pedidosLogs)
			}
		}
	}
	waitReceived := func(n int, within time.Duration) []string {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			ids := received(apiLogs.String(), "notificacoes")
			if len(ids) >= n || time.Now().After(deadline) {
				return ids
			}
			time.Sleep(20 * time.Millisecond)
		}
	}

	// Across: the event committed in pedidos' process reaches the handler
	// in the monolith.
	t0 := time.Now()
	createPedido("primeiro")
	if ids := waitReceived(1, 15*time.Second); len(ids) != 1 {
		t.Fatalf("notificacoes received %v; want one event\napi logs:\n%s\npedidos logs:\n%s", ids, apiLogs, pedidosLogs)
	}
	t.Logf("a pedido created in pedidos' process reached notificacoes in the monolith %s after the POST", time.Since(t0))

	// And the other way round: estoque runs in the monolith, pedidos
	// handles its created event in its own process.
	t0 = time.Now()
	if resp, err := http.Post(base+"/estoque", "application/json", strings.NewReader(`{"name":"parafuso"}`)); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST /estoque: %v %v", resp, err)
	}
	for deadline := time.Now().Add(15 * time.Second); len(received(pedidosLogs.String(), "pedidos")) != 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("pedidos did not receive estoque's event\npedidos logs:\n%s\napi logs:\n%s", pedidosLogs, apiLogs)
		}
	}
	t.Logf("an estoque item created in the monolith reached pedidos in its own process %s after the POST", time.Since(t0))

	// Killed between commit and relay: pedidos runs with a broker it cannot
	// reach, so the event stays in its outbox; SIGKILL; restarted with the
	// broker, it relays the event.
	pedidos.Process.Signal(syscall.SIGKILL)
	pedidos.Wait()
	pedidos, pedidosLogs = start("pedidos", append(pedidosEnv, "NATS_URL=nats://"+freeAddr(t))...)
	createPedido("segundo")
	time.Sleep(300 * time.Millisecond)
	if ids := received(apiLogs.String(), "notificacoes"); len(ids) != 1 {
		t.Fatalf("with pedidos' broker unreachable notificacoes received %v; want still one", ids)
	}
	pedidos.Process.Signal(syscall.SIGKILL)
	pedidos.Wait()
	t.Log("pedidos SIGKILLed with the second pedido's event committed and not relayed")
	pedidos, pedidosLogs = start("pedidos", append(pedidosEnv, natsURL)...)
	ids := waitReceived(2, 15*time.Second)
	if len(ids) != 2 {
		t.Fatalf("after pedidos restarted notificacoes received %v; want the second event too\npedidos logs:\n%s", ids, pedidosLogs)
	}
	t.Log("restarted, pedidos relayed the event committed before the kill")

	// Published again (as a relay that died before marking it delivered
	// would, after JetStream's duplicate window): the inbox runs it once.
	again, _ := json.Marshal(map[string]any{"id": ids[1], "type": "pedidos.PedidoCreated", "source": "pedidos",
		"time": time.Now().UTC(), "payload": map[string]any{"id": 2, "name": "segundo"}})
	if _, err := natsRequest(sharedNATS, prefix+".pedidos.PedidoCreated", map[string]string{"Nats-Msg-Id": "redelivery-" + ids[1]}, again, true); err != nil {
		t.Fatal(err)
	}
	createPedido("terceiro") // in order after the redelivered one: once it arrives, the copy was processed
	ids = waitReceived(3, 15*time.Second)
	if len(ids) != 3 || ids[0] == ids[1] || ids[1] == ids[2] || ids[0] == ids[2] {
		t.Errorf("notificacoes handled %v; want 3 distinct events, the redelivered one once", ids)
	}
	pedidos.Process.Signal(syscall.SIGTERM)
	pedidos.Wait()
	api.Process.Signal(syscall.SIGTERM)
	if err := api.Wait(); err != nil {
		t.Errorf("api after SIGTERM: %v\n%s", err, apiLogs)
	}

	// A broker outage: the test's own nats-server, stopped while pedidos
	// are created, then started again on the same port and store.
	own := startOwnNATS(t)
	ownURL := "NATS_URL=nats://" + own.addr
	apiEnv[len(apiEnv)-1] = "NATS_PREFIX=" + prefix + "b"
	pedidosEnv[len(pedidosEnv)-1] = "NATS_PREFIX=" + prefix + "b"
	_, apiLogs = start("api", append(apiEnv, ownURL)...)
	_, pedidosLogs = start("pedidos", append(pedidosEnv, ownURL)...)
	createPedido("antes")
	before := len(waitReceived(1, 15*time.Second))
	if before != 1 {
		t.Fatalf("with the test's broker notificacoes received %d events; want 1\napi logs:\n%s\npedidos logs:\n%s", before, apiLogs, pedidosLogs)
	}
	own.stop()
	const during = 5
	for i := range during {
		createPedido(fmt.Sprintf("durante-%d", i))
	}
	time.Sleep(time.Second)
	if n := len(received(apiLogs.String(), "notificacoes")); n != before {
		t.Fatalf("with the broker down notificacoes received %d events; want still %d", n, before)
	}
	if !strings.Contains(pedidosLogs.String(), "events: relay failed; retrying") {
		t.Errorf("pedidos did not log the failed relay while the broker was down:\n%s", pedidosLogs)
	}
	t.Logf("broker down: %d events committed, waiting in pedidos' outbox", during)
	back := time.Now()
	own.start()
	ids = waitReceived(before+during, 30*time.Second)
	if len(ids) != before+during {
		t.Fatalf("after the broker came back notificacoes received %d events; want %d\napi logs:\n%s\npedidos logs:\n%s", len(ids), before+during, apiLogs, pedidosLogs)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Errorf("event %s handled twice", id)
		}
		seen[id] = true
	}
	t.Logf("broker back: all %d queued events arrived within %s", during, time.Since(back))
}
