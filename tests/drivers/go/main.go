// Command gocql_flow runs gocql, the Go driver, against cqlsim: the core flow (schema, prepared
// inserts, paged read-back, batches, LWT, TTL, metadata, topology) over protocol v3, v4 and a
// negotiated version, then password authentication and negotiation down to v3; then the proxy
// flow (proxy.go) over v4 and v3 through cqlshift ($CQLSHIFT or -cqlshift). It prints one
// PASS or FAIL line per scenario and "N passed, M failed"; it exits non-zero on any failure.
//
// Build offline in GOPATH mode with Debian's gocql (see ../README.md):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run . [-cqlsim path] [-cqlshift path] [-rows N]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gocql/gocql"
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

func defaultBinary() string {
	if env := os.Getenv("CQLSIM"); env != "" {
		return env
	}
	return filepath.Join(repoRoot(), "build", "release", "bin", "cqlsim")
}

type scenario struct {
	name string
	run  func() error
}

// runSafely turns a panic inside gocql or the checks (a type assertion on an unexpected
// reply, say) into a failure of that scenario.
func runSafely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

func main() {
	binary := flag.String("cqlsim", defaultBinary(), "the cqlsim binary (default: $CQLSIM)")
	proxyBinary := flag.String("cqlshift", defaultProxyBinary(),
		"the cqlshift binary for the proxy flows (default: $CQLSHIFT)")
	rows := flag.Int("rows", 1200, "rows written and read back per core flow")
	only := flag.String("only", "", "run only the scenarios whose name contains this")
	flag.Parse()

	sim, err := startCqlsim(*binary, 3)
	if err != nil {
		fmt.Printf("FAIL start cqlsim: %v\n0 passed, 1 failed\n", err)
		os.Exit(1)
	}
	flow := func(name string, proto int, want byte) scenario {
		return scenario{name, func() error {
			return coreFlow(flowOptions{port: sim.port, protoVersion: proto, wantVersion: want,
				rows: *rows, keyspace: fmt.Sprintf("go_v%d_%d", proto, want)})
		}}
	}
	scenarios := []scenario{
		flow("core flow, protocol v3", 3, 3),
		flow("core flow, protocol v4", 4, 4),
		flow("core flow, protocol negotiated (v4)", 0, 4),
		{"password authentication", func() error { return authFlow(*binary) }},
		{"negotiation down to v3", func() error { return downgradeFlow(*binary) }},
		{"proxy flow, protocol v4", func() error { return proxyFlow(*binary, *proxyBinary, 4) }},
		{"proxy flow, protocol v3", func() error { return proxyFlow(*binary, *proxyBinary, 3) }},
	}

	passed, failed := 0, 0
	for _, s := range scenarios {
		if !strings.Contains(s.name, *only) {
			continue
		}
		start := time.Now()
		if err := runSafely(s.run); err != nil {
			fmt.Printf("FAIL %s: %v\n", s.name, err)
			failed++
		} else {
			fmt.Printf("PASS %s (%.1fs)\n", s.name, time.Since(start).Seconds())
			passed++
		}
	}
	if err := sim.stop(); err != nil {
		fmt.Printf("FAIL stop cqlsim: %v\n", err)
		failed++
	}
	fmt.Printf("%d passed, %d failed\n", passed, failed)
	if failed > 0 {
		os.Exit(1)
	}
}

// authFlow: the core flow with the right password, and a refused session with a wrong one.
func authFlow(binary string) (err error) {
	sim, err := startCqlsim(binary, 3, "--auth", "cassandra:cassandra")
	if err != nil {
		return err
	}
	defer func() {
		if stopErr := sim.stop(); err == nil {
			err = stopErr
		}
	}()
	err = coreFlow(flowOptions{port: sim.port, protoVersion: 4, wantVersion: 4, rows: 200,
		keyspace: "go_auth",
		auth:     gocql.PasswordAuthenticator{Username: "cassandra", Password: "cassandra"}})
	if err != nil {
		return fmt.Errorf("right password: %v", err)
	}
	for _, wrong := range []gocql.PasswordAuthenticator{
		{Username: "cassandra", Password: "wrong"}, {Username: "nobody", Password: "cassandra"},
	} {
		cluster := newCluster(flowOptions{port: sim.port, protoVersion: 4, auth: wrong}, nil)
		if session, err := cluster.CreateSession(); err == nil {
			session.Close()
			return fmt.Errorf("user %q with password %q: session created, want an "+
				"authentication error", wrong.Username, wrong.Password)
		}
	}
	return nil
}

// downgradeFlow: a cqlsim offering only v3; gocql, negotiating, must settle on v3.
func downgradeFlow(binary string) (err error) {
	sim, err := startCqlsim(binary, 3, "--protocol-versions", "3")
	if err != nil {
		return err
	}
	defer func() {
		if stopErr := sim.stop(); err == nil {
			err = stopErr
		}
	}()
	return coreFlow(flowOptions{port: sim.port, protoVersion: 0, wantVersion: 3, rows: 200,
		keyspace: "go_downgrade"})
}
