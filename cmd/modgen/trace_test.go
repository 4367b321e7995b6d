package main

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// linesWith returns the lines of logs that contain s.
func linesWith(logs, s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		if strings.Contains(sc.Text(), s) {
			out = append(out, sc.Text())
		}
	}
	return out
}

// TestTraceparentAcrossProcesses runs estoque extracted, in a process of
// its own, behind the monolith, with tracing configured off (no OTLP
// endpoint): a request sent to cmd/api with a W3C traceparent header leaves
// log lines carrying that trace id in both processes, so one grep finds a
// request's whole path.
func TestTraceparentAcrossProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project")
	}
	dir := t.TempDir()
	_, bin := generateAndBuild(t, dir, append(seed[:len(seed):len(seed)], []string{"-C", "loja", "extract", "module", "estoque"}), "./cmd/api", "./cmd/estoque")
	start := func(name string, env ...string) *syncBuffer {
		cmd := exec.Command(filepath.Join(bin, name))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), append(env, "OTEL_EXPORTER_OTLP_ENDPOINT=", "OTEL_SDK_DISABLED=", "DATABASE_URL=sqlite:"+filepath.Join(dir, name+".db"))...)
		logs := &syncBuffer{}
		cmd.Stdout, cmd.Stderr = logs, logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return logs
	}
	grpcAddr, httpAddr := freeAddr(t), freeAddr(t)
	estoqueLogs := start("estoque", "ADDR="+grpcAddr)
	apiLogs := start("api", "ADDR="+httpAddr, "ESTOQUE_REMOTE_ADDR="+grpcAddr)

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	traceparent := "00-" + traceID + "-00f067aa0ba902b7-01"
	var code int
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		req, _ := http.NewRequest("POST", "http://"+httpAddr+"/estoque", strings.NewReader(`{"name":"parafuso"}`))
		req.Header.Set("traceparent", traceparent)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			code = resp.StatusCode
			if code == http.StatusCreated {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("POST /estoque never answered 201 (last %d, %v)\napi logs:\n%s\nestoque logs:\n%s", code, err, apiLogs, estoqueLogs)
		}
	}
	// The log lines are written as the calls end; give them a moment.
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if len(linesWith(estoqueLogs.String(), traceID)) > 0 && len(linesWith(apiLogs.String(), `"msg":"request"`)) > 0 {
			break
		}
	}
	api := linesWith(apiLogs.String(), `"trace_id":"`+traceID+`"`)
	if !slicesContain(api, `"msg":"request"`, `"path":"/estoque"`, `"status":201`) {
		t.Errorf("cmd/api: no access log line of POST /estoque with trace_id %s:\n%s", traceID, apiLogs)
	}
	estoque := linesWith(estoqueLogs.String(), `"trace_id":"`+traceID+`"`)
	if !slicesContain(estoque, `"msg":"call"`, `"method":"/estoque.v1.EstoqueService/Create"`, `"code":"OK"`) {
		t.Errorf("cmd/estoque: no log line of the Create call with trace_id %s:\n%s", traceID, estoqueLogs)
	}
	for _, l := range append(api, estoque...) {
		if !strings.Contains(l, `"span_id":"`) {
			t.Errorf("log line with a trace_id but no span_id: %s", l)
		}
	}
}

// slicesContain reports whether one of lines contains every one of parts.
func slicesContain(lines []string, parts ...string) bool {
	for _, l := range lines {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return true
		}
	}
	return false
}
