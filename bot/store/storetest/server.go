package storetest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// startTimeout bounds how long a redis-server may take to answer PING,
// loading its dump included.
const startTimeout = 10 * time.Second

// Server is a redis-server process this package started. Its data lives in a
// private directory, so Stop saves it and Start loads it back, as a Redis with
// persistence does across a restart.
type Server struct {
	mu     sync.Mutex
	addr   string
	dir    string
	cmd    *exec.Cmd
	exited chan struct{}
	out    *lockedBuffer
	// argv, when set, replaces the default command line (persistence off)
	// after "redis-server": cluster nodes and sentinels.
	argv func(host, port, dir string) []string
}

// NewServer starts a private redis-server for t, stopped and removed when t
// ends: for tests that stop or restart Redis while other tests run in
// parallel. It skips t when redis-server is not on PATH and fails t when the
// server does not start.
func NewServer(t testing.TB) *Server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		skipUnlessCI(t, "storetest: no redis-server on PATH")
	}
	s, err := startServer()
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	t.Cleanup(s.close)
	return s
}

// Addr returns the server's host:port, which stays the same across restarts.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Client returns a new client on s, closed when t ends.
func (s *Server) Client(t testing.TB) redis.UniversalClient {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: s.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Running reports whether the server process is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// Stop saves the data and stops the server; clients get connection errors
// until Start. It fails t when the server cannot be stopped.
func (s *Server) Stop(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.stop(); err != nil {
		t.Fatalf("storetest: stop redis-server: %v", err)
	}
}

// Start starts the server again on its port with the data saved by Stop. It
// fails t when the server does not answer within 10 s.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return
	}
	if err := s.start(); err != nil {
		t.Fatalf("storetest: start redis-server: %v", err)
	}
}

// Restart is Stop then Start.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop(t)
	s.Start(t)
}

func startServer() (*Server, error) { return startServerWith(nil) }

// startServerWith starts a server with the command line argv builds (nil:
// the default), on a free loopback port, in a new directory.
func startServerWith(argv func(host, port, dir string) []string) (*Server, error) {
	dir, err := os.MkdirTemp("", "tiendo-redis-")
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, argv: argv}
	// The free port is found by binding :0 and letting go, so another
	// process may take it first: try a few.
	for range 5 {
		var port int
		if port, err = freePort(); err != nil {
			break
		}
		s.addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err = s.start(); err == nil {
			return s, nil
		}
	}
	_ = os.RemoveAll(dir)
	return nil, err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// start runs redis-server and waits until it answers; s.mu is held.
func (s *Server) start() error {
	host, port, _ := net.SplitHostPort(s.addr)
	args := []string{"--port", port, "--bind", host, "--save", "", "--appendonly", "no",
		"--dir", s.dir, "--dbfilename", "dump.rdb"}
	if s.argv != nil {
		args = s.argv(host, port, s.dir)
	}
	cmd := exec.Command("redis-server", args...)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := spawn(cmd); err != nil {
		return fmt.Errorf("redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	deadline := time.Now().Add(startTimeout)
	for {
		// The pid check makes sure it is our server answering, not another
		// process that took the port.
		if pid, ok := probe(s.addr); ok && pid == cmd.Process.Pid {
			s.cmd, s.exited, s.out = cmd, exited, out
			return nil
		}
		select {
		case <-exited:
			return fmt.Errorf("redis-server on %s exited: %s", s.addr, out.tail())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-exited
			return fmt.Errorf("redis-server on %s did not answer within %v: %s", s.addr, startTimeout, out.tail())
		}
	}
}

// stop asks the server to save and exit, and kills it when it does not; s.mu
// is held.
func (s *Server) stop() error {
	if s.cmd == nil {
		return nil
	}
	if conn, err := net.DialTimeout("tcp", s.addr, time.Second); err == nil {
		_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
		// SHUTDOWN SAVE writes the dump although no save points are set.
		_, _ = io.WriteString(conn, "SHUTDOWN SAVE\r\n")
		_, _ = io.Copy(io.Discard, conn) // the server closes it on exit
		conn.Close()
	}
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.cmd, s.exited = nil, nil
	return nil
}

// close kills the server without saving and removes its files.
func (s *Server) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		_ = s.cmd.Process.Kill()
		<-s.exited
		s.cmd, s.exited = nil, nil
	}
	_ = os.RemoveAll(s.dir)
}

// probe asks the server at addr for its process id; ok is false while it is
// not up or still loading its data.
func probe(addr string) (pid int, ok bool) {
	conn, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return 0, false
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(time.Second))
	if _, err := io.WriteString(conn, "INFO server\r\n"); err != nil {
		return 0, false
	}
	r := bufio.NewReader(conn)
	head, err := r.ReadString('\n')
	if err != nil || !strings.HasPrefix(head, "$") {
		return 0, false // "-LOADING …" while the dump loads
	}
	n, err := strconv.Atoi(strings.TrimSpace(head[1:]))
	if err != nil {
		return 0, false
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return 0, false
	}
	for line := range strings.SplitSeq(string(body), "\r\n") {
		if v, found := strings.CutPrefix(line, "process_id:"); found {
			pid, err := strconv.Atoi(v)
			return pid, err == nil
		}
	}
	return 0, false
}

// lockedBuffer keeps the server's output for error messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 64<<10 { // a long-running server must not grow it forever
		b.buf.Reset()
	}
	return b.buf.Write(p)
}

func (b *lockedBuffer) tail() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := b.buf.String()
	if len(s) > 600 {
		s = s[len(s)-600:]
	}
	return strings.TrimSpace(s)
}
