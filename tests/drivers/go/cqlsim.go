package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"
)

const (
	// A sanitizer build on a loaded two-core machine takes a few seconds to bind its sockets.
	startTimeout = 60 * time.Second
	stopTimeout  = 10 * time.Second
)

var nodeLine = regexp.MustCompile(`^(\d+\.\d+\.\d+\.\d+):(\d+)$`)

// cqlsim is one cqlsim process started with --port 0. It is ready once it has printed one
// ADDRESS:PORT line per node; it stops on SIGTERM.
type cqlsim struct {
	cmd    *exec.Cmd
	stderr *os.File
	done   chan error // the result of cmd.Wait, once

	mu     sync.Mutex
	lines  []string
	nodes  []string // "ADDRESS:PORT" per node
	port   int
	ready  chan struct{}
	wanted int
}

// lineWriter feeds each complete line it is given to the cqlsim.
type lineWriter struct {
	sim     *cqlsim
	partial []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.partial = append(w.partial, p...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.sim.onLine(string(bytes.TrimRight(w.partial[:i], "\r")))
		w.partial = w.partial[i+1:]
	}
}

func (s *cqlsim) onLine(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, line)
	if m := nodeLine.FindStringSubmatch(line); m != nil && len(s.nodes) < s.wanted {
		s.nodes = append(s.nodes, line)
		if len(s.nodes) == 1 {
			s.port, _ = strconv.Atoi(m[2])
		}
		if len(s.nodes) == s.wanted {
			close(s.ready)
		}
	}
}

// startCqlsim runs `binary --address 127.0.0.1 --port 0 --nodes N args...` and waits for its
// listening lines.
func startCqlsim(binary string, nodes int, args ...string) (*cqlsim, error) {
	return startCqlsimAt(binary, "127.0.0.1", nodes, args...)
}

// startCqlsimAt is startCqlsim with node 0 on `address` (node i on address + i).
func startCqlsimAt(binary, address string, nodes int, args ...string) (*cqlsim, error) {
	stderr, err := os.CreateTemp("", "cqlsim-stderr-")
	if err != nil {
		return nil, err
	}
	os.Remove(stderr.Name()) // the open file stays readable
	full := append([]string{"--address", address, "--port", "0", "--nodes",
		strconv.Itoa(nodes)}, args...)
	s := &cqlsim{cmd: exec.Command(binary, full...), stderr: stderr, done: make(chan error, 1),
		ready: make(chan struct{}), wanted: nodes}
	s.cmd.Stdout = &lineWriter{sim: s}
	s.cmd.Stderr = stderr
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot start %s: %v", binary, err)
	}
	go func() { s.done <- s.cmd.Wait() }()
	select {
	case <-s.ready:
		return s, nil
	case err := <-s.done:
		s.done <- err
		return nil, fmt.Errorf("cqlsim exited (%v) before listening%s", err, s.diagnostics())
	case <-time.After(startTimeout):
		s.cmd.Process.Kill()
		return nil, fmt.Errorf("cqlsim printed no listening lines within %v%s", startTimeout,
			s.diagnostics())
	}
}

func (s *cqlsim) diagnostics() string {
	s.mu.Lock()
	lines := append([]string(nil), s.lines...)
	s.mu.Unlock()
	tail := make([]byte, 4000)
	info, _ := s.stderr.Stat()
	offset := int64(0)
	if info != nil && info.Size() > int64(len(tail)) {
		offset = info.Size() - int64(len(tail))
	}
	n, _ := s.stderr.ReadAt(tail, offset)
	return fmt.Sprintf("\n  command: %v\n  stdout: %q\n  stderr (tail):\n%s", s.cmd.Args, lines,
		tail[:n])
}

// stop sends SIGTERM and fails unless cqlsim exits cleanly within stopTimeout.
func (s *cqlsim) stop() error {
	defer s.stderr.Close()
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.done:
		if err == nil {
			return nil
		}
		if exit, ok := err.(*exec.ExitError); ok {
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() &&
				ws.Signal() == syscall.SIGTERM {
				return nil
			}
		}
		return fmt.Errorf("cqlsim exited with %v%s", err, s.diagnostics())
	case <-time.After(stopTimeout):
		s.cmd.Process.Kill()
		<-s.done
		return fmt.Errorf("cqlsim ignored SIGTERM for %v%s", stopTimeout, s.diagnostics())
	}
}
