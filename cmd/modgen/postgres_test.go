package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// postgresServer returns the URL of the PostgreSQL server the tests create
// their databases on: $MODGEN_TEST_POSTGRES, or the one .ci/setup starts.
// An unreachable server fails the test (with -short, such tests are
// skipped before they get here): CI never skips PostgreSQL silently.
func postgresServer(t *testing.T) string {
	t.Helper()
	server := os.Getenv("MODGEN_TEST_POSTGRES")
	if server == "" {
		server = "postgres://postgres@127.0.0.1:5432/postgres"
	}
	if out, err := psql(server, "SELECT 1"); err != nil {
		t.Fatalf("PostgreSQL at %s: %v\n%s\nrun `bash .ci/setup`, or set MODGEN_TEST_POSTGRES", server, err, out)
	}
	return server
}

// psql runs one SQL command on the database url names and returns its
// unaligned output.
func psql(url, command string) (string, error) {
	cmd := exec.Command("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", command)
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// newPostgresDatabase creates an empty database on the server for the test,
// drops it when the test ends, and returns its URL.
func newPostgresDatabase(t *testing.T, server string) string {
	t.Helper()
	suffix := make([]byte, 6)
	rand.Read(suffix)
	name := "modgen_" + hex.EncodeToString(suffix)
	if out, err := psql(server, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("CREATE DATABASE %s: %v\n%s", name, err, out)
	}
	t.Cleanup(func() {
		if out, err := psql(server, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("DROP DATABASE %s: %v\n%s", name, err, out)
		}
	})
	u, err := url.Parse(server)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// seedBinaries generates the seed project with estoque extracted and builds
// its commands; it returns the folder of the binaries and a folder for data.
func seedBinaries(t *testing.T) (bin, dir string) {
	t.Helper()
	dir = t.TempDir()
	for _, args := range append(seed[:len(seed):len(seed)], []string{"-C", "loja", "extract", "module", "estoque"}) {
		if code, _, stderr := modgen(t, dir, args...); code != 0 {
			t.Fatalf("modgen %s: %s", strings.Join(args, " "), stderr)
		}
	}
	bin = filepath.Join(dir, "bin")
	build := exec.Command("go", "build", "-o", bin+string(filepath.Separator), "./cmd/...")
	build.Dir, build.Env = filepath.Join(dir, "loja"), offlineEnv()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/...: %v\n%s", err, out)
	}
	return bin, dir
}

// process is a running command of the generated project.
type process struct {
	cmd  *exec.Cmd
	logs *syncBuffer
}

// syncBuffer is a bytes.Buffer that a process writes while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startProcess(t *testing.T, binary, dir string, env ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(binary), logs: &syncBuffer{}}
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.cmd.Process.Kill(); p.cmd.Wait() })
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	if err := p.cmd.Wait(); err != nil {
		t.Errorf("%s after SIGTERM: %v\n%s", filepath.Base(p.cmd.Path), err, p.logs)
	}
}

// startAPI starts the monolith on a free address and waits until
// /healthz answers; it returns the process and its base URL.
func startAPI(t *testing.T, bin, dir string, env ...string) (*process, string) {
	t.Helper()
	addr := freeAddr(t)
	p := startProcess(t, filepath.Join(bin, "api"), dir, append(env, "ADDR="+addr)...)
	waitHTTP(t, "http://"+addr, p)
	return p, "http://" + addr
}

func waitHTTP(t *testing.T, base string, p *process) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			return
		}
		if p.cmd.ProcessState != nil || time.Now().After(deadline) {
			t.Fatalf("the api did not start:\n%s", p.logs)
		}
	}
}

// call sends one JSON request and decodes the answer.
func call(t *testing.T, method, url, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var out map[string]any
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// TestPostgresMonolith runs the seed's monolith on PostgreSQL: CRUD for
// every module, the rows survive a restart, each module's table is in the
// module's schema, and two processes starting at once on an empty database
// both come up (the migration lock).
func TestPostgresMonolith(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project on PostgreSQL")
	}
	server := postgresServer(t)
	bin, dir := seedBinaries(t)
	db := newPostgresDatabase(t, server)

	api, base := startAPI(t, bin, dir, "DATABASE_URL="+db)
	ids := map[string]any{}
	for _, m := range []string{"estoque", "notificacoes"} {
		code, got := call(t, "POST", base+"/"+m, `{"name":"first `+m+`"}`)
		if code != http.StatusCreated {
			t.Fatalf("POST /%s = %d %v\n%s", m, code, got, api.logs)
		}
		ids[m] = got["id"]
	}
	code, pedido := call(t, "POST", base+"/pedidos", fmt.Sprintf(`{"name":"pedido","estoque_id":%v,"notificacoes_id":%v}`, ids["estoque"], ids["notificacoes"]))
	if code != http.StatusCreated {
		t.Fatalf("POST /pedidos = %d %v", code, pedido)
	}
	ids["pedidos"] = pedido["id"]
	if code, got := call(t, "PUT", fmt.Sprintf("%s/estoque/%v", base, ids["estoque"]), `{"name":"renamed"}`); code != http.StatusOK || got["name"] != "renamed" {
		t.Errorf("PUT /estoque = %d %v", code, got)
	}
	code, extra := call(t, "POST", base+"/notificacoes", `{"name":"to delete"}`)
	if code != http.StatusCreated {
		t.Fatalf("POST /notificacoes = %d", code)
	}
	if code, _ := call(t, "DELETE", fmt.Sprintf("%s/notificacoes/%v", base, extra["id"]), ""); code != http.StatusNoContent {
		t.Errorf("DELETE /notificacoes = %d; want 204", code)
	}
	api.stop(t)

	api, base = startAPI(t, bin, dir, "DATABASE_URL="+db)
	for m, id := range ids {
		if code, got := call(t, "GET", fmt.Sprintf("%s/%s/%v", base, m, id), ""); code != http.StatusOK {
			t.Errorf("GET /%s/%v after a restart = %d %v; want the row", m, id, code, got)
		}
	}
	if code, got := call(t, "GET", base+"/notificacoes", ""); code != http.StatusOK || len(got["items"].([]any)) != 1 {
		t.Errorf("GET /notificacoes after a restart = %d %v; want the one row left", code, got)
	}
	api.stop(t)
	for _, m := range []string{"estoque", "notificacoes", "pedidos"} {
		if schema, err := psql(db, "SELECT schemaname FROM pg_tables WHERE tablename = '"+m+"_items'"); err != nil || schema != m {
			t.Errorf("%s_items is in schema %q (%v); want %s", m, schema, err, m)
		}
	}

	// Two processes at once on an empty database: one migrates, the other
	// waits for the lock, and both serve.
	empty := newPostgresDatabase(t, server)
	addrs := []string{freeAddr(t), freeAddr(t)}
	var procs []*process
	for _, addr := range addrs {
		procs = append(procs, startProcess(t, filepath.Join(bin, "api"), dir, "DATABASE_URL="+empty, "ADDR="+addr))
	}
	for i, addr := range addrs {
		waitHTTP(t, "http://"+addr, procs[i])
		if code, got := call(t, "POST", "http://"+addr+"/estoque", `{"name":"concurrent"}`); code != http.StatusCreated {
			t.Errorf("process %d: POST /estoque = %d %v\n%s", i, code, got, procs[i].logs)
		}
	}
	for _, p := range procs {
		p.stop(t)
	}
	if n, err := psql(empty, "SELECT COUNT(*) FROM public.schema_migrations"); err != nil || n != "6" {
		t.Errorf("schema_migrations has %s rows (%v); want 6, each of the 3 modules' 2 migrations (tables, events) once", n, err)
	}
}

// TestBadDatabaseURL: a DATABASE_URL that cannot work stops the api at
// start-up with one line naming the problem, exit code 1, in seconds.
func TestBadDatabaseURL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project")
	}
	bin, dir := seedBinaries(t)
	wrongPassword := fakePostgres(t)
	silent, err := net.Listen("tcp", "127.0.0.1:0") // accepts, never answers: a server that hangs
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	for _, tc := range []struct {
		url, want string
	}{
		{"mysql://root@127.0.0.1/loja", `unsupported DATABASE_URL scheme "mysql"`},
		{"postgres://app:s3cret@127.0.0.1:1/loja", "cannot connect"},
		{"postgres://app:s3cret@db.invalid:5432/loja", "cannot connect"},
		{"postgres://app:s3cret@" + wrongPassword + "/loja", "password authentication failed"},
		{"postgres://app:s3cret@" + silent.Addr().String() + "/loja", "timeout"},
		{"postgres://app@127.0.0.1:5432/loja?sslmode=sometimes", "sslmode"},
	} {
		cmd := exec.Command(filepath.Join(bin, "api"))
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "DATABASE_URL="+tc.url, "ADDR="+freeAddr(t))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		start := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Errorf("DATABASE_URL=%s: the api still runs after 30 s", tc.url)
			continue
		}
		msg := strings.TrimSpace(stderr.String())
		if code := cmd.ProcessState.ExitCode(); code != 1 || strings.Count(msg, "\n") != 0 || !strings.Contains(msg, tc.want) || strings.Contains(msg, "s3cret") {
			t.Errorf("DATABASE_URL=%s: exit %d, stderr %q; want exit 1 and one line with %q, without the password", tc.url, code, msg, tc.want)
		}
		t.Logf("DATABASE_URL=%s: exit after %s: %s", tc.url, time.Since(start).Round(time.Millisecond), msg)
	}
}

// fakePostgres listens on a loopback address and answers every connection
// as a PostgreSQL server that refuses the password: it asks for one in
// clear text and answers FATAL 28P01. It returns the address.
func fakePostgres(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	message := func(kind byte, body []byte) []byte {
		m := []byte{kind, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(m[1:], uint32(len(body)+4))
		return append(m, body...)
	}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				r := bufio.NewReader(conn)
				for {
					var size uint32
					if err := binary.Read(r, binary.BigEndian, &size); err != nil || size < 8 {
						return
					}
					body := make([]byte, size-4)
					if _, err := io.ReadFull(r, body); err != nil {
						return
					}
					if binary.BigEndian.Uint32(body) == 80877103 { // SSLRequest: no
						conn.Write([]byte("N"))
						continue
					}
					break // the startup message
				}
				conn.Write(message('R', []byte{0, 0, 0, 3})) // AuthenticationCleartextPassword
				if _, err := r.ReadByte(); err != nil {      // the password message
					return
				}
				var size uint32
				binary.Read(r, binary.BigEndian, &size)
				io.CopyN(io.Discard, r, int64(size)-4)
				conn.Write(message('E', []byte("SFATAL\x00C28P01\x00Mpassword authentication failed for user \"app\"\x00\x00")))
			}()
		}
	}()
	return ln.Addr().String()
}

// TestImportData follows the cut-over of estoque: the monolith stores
// rows, the extracted service imports them (SQLite→SQLite, SQLite→
// PostgreSQL, PostgreSQL→PostgreSQL), the counts match, a second run copies
// nothing, and the monolith with ESTOQUE_REMOTE_ADDR serves the imported
// rows from the service.
func TestImportData(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a generated project on PostgreSQL")
	}
	server := postgresServer(t)
	bin, dir := seedBinaries(t)
	const rows = 1203 // three batches of database.CopyBatch
	fill := func(monolith string) {
		t.Helper()
		api, base := startAPI(t, bin, dir, "DATABASE_URL="+monolith)
		for i := range rows {
			if code, got := call(t, "POST", base+"/estoque", fmt.Sprintf(`{"name":"item %d"}`, i)); code != http.StatusCreated {
				t.Fatalf("POST /estoque = %d %v", code, got)
			}
		}
		api.stop(t)
	}
	// The module's tables: its items, and its outbox (one created event per
	// item) and inbox (empty: estoque subscribes to nothing).
	imported := regexp.MustCompile(`imported (\d+) rows of 3 tables; the row counts match`)
	importData := func(monolith, service string) (copied string, out string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(bin, "estoque"), "import-data", "--from", monolith)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "DATABASE_URL="+service)
		b, err := cmd.CombinedOutput()
		m := imported.FindStringSubmatch(string(b))
		if err != nil || m == nil {
			t.Fatalf("estoque import-data --from %s: %v\n%s", monolith, err, b)
		}
		return m[1], string(b)
	}
	sqliteMonolith := "sqlite:" + filepath.Join(dir, "loja.db")
	fill(sqliteMonolith)
	pgMonolith := newPostgresDatabase(t, server)
	fill(pgMonolith)

	for _, tc := range []struct {
		name, monolith, service, drop string
	}{
		{"sqlite to sqlite", sqliteMonolith, "sqlite:" + filepath.Join(dir, "estoque.db"), `DROP TABLE "estoque_items";`},
		{"sqlite to postgres", sqliteMonolith, newPostgresDatabase(t, server), `DROP TABLE "estoque_items";`},
		{"postgres to postgres", pgMonolith, newPostgresDatabase(t, server), `DROP SCHEMA "estoque" CASCADE;`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			copied, out := importData(tc.monolith, tc.service)
			took := time.Since(start)
			if copied != fmt.Sprint(2*rows) {
				t.Errorf("first import copied %s rows; want %d (the items and their events)\n%s", copied, 2*rows, out)
			}
			if !strings.Contains(out, tc.drop) || !strings.Contains(out, "DELETE FROM") {
				t.Errorf("the output lacks the drop statements %q:\n%s", tc.drop, out)
			}
			t.Logf("%d rows imported in %s (process start included)", rows, took.Round(time.Millisecond))
			if copied, out := importData(tc.monolith, tc.service); copied != "0" {
				t.Errorf("second import copied %s rows; want 0\n%s", copied, out)
			}

			grpcAddr := freeAddr(t)
			estoque := startProcess(t, filepath.Join(bin, "estoque"), dir, "ADDR="+grpcAddr, "DATABASE_URL="+tc.service)
			api, base := startAPI(t, bin, dir, "DATABASE_URL="+tc.monolith, "ESTOQUE_REMOTE_ADDR="+grpcAddr)
			var code int
			var got map[string]any
			for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				if code, got = call(t, "GET", base+"/estoque/1", ""); code == http.StatusOK {
					break
				}
			}
			if code != http.StatusOK || got["name"] != "item 0" {
				t.Fatalf("GET /estoque/1 through the service = %d %v; want the imported item 0\nestoque logs:\n%s", code, got, estoque.logs)
			}
			if code, got := call(t, "GET", fmt.Sprintf("%s/estoque/%d", base, rows), ""); code != http.StatusOK || got["name"] != fmt.Sprintf("item %d", rows-1) {
				t.Errorf("GET /estoque/%d = %d %v; want the last imported item", rows, code, got)
			}
			// A new row gets a key past the imported ones.
			if code, got := call(t, "POST", base+"/estoque", `{"name":"after the cut-over"}`); code != http.StatusCreated || got["id"] != float64(rows+1) {
				t.Errorf("POST /estoque through the service = %d %v; want id %d", code, got, rows+1)
			}
			api.stop(t)
			estoque.stop(t)
		})
	}
}
