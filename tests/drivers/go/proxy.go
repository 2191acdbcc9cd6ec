package main

// The proxy flow: gocql through cqlshift in front of two three-node cqlsim clusters (Origin on
// 127.0.0.1-3, Target on 127.0.0.11-13, different cluster names and prepared ids). Writes go
// through the proxy; then direct sessions to each cluster check that both hold the same rows
// with the same write times.

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gocql/gocql"
)

var listeningLine = regexp.MustCompile(`^listening (\d+\.\d+\.\d+\.\d+):(\d+)$`)

// proxyProcess is one cqlshift process; ready once it printed `listening ADDR:PORT`.
type proxyProcess struct {
	cmd     *exec.Cmd
	dir     string   // config file and stderr
	stderr  *os.File // stdout and stderr
	done    chan error
	mu      sync.Mutex
	address string
	port    int
	ready   chan struct{}
}

type proxyLines struct {
	p       *proxyProcess
	partial []byte
}

func (w *proxyLines) Write(b []byte) (int, error) {
	w.partial = append(w.partial, b...)
	for {
		i := bytes.IndexByte(w.partial, '\n')
		if i < 0 {
			return len(b), nil
		}
		line := string(bytes.TrimRight(w.partial[:i], "\r"))
		w.partial = w.partial[i+1:]
		p := w.p
		p.mu.Lock()
		if m := listeningLine.FindStringSubmatch(line); m != nil && p.port == 0 {
			p.address = m[1]
			p.port, _ = strconv.Atoi(m[2])
			close(p.ready)
		}
		p.mu.Unlock()
	}
}

func startProxy(binary string, origin, target *cqlsim) (*proxyProcess, error) {
	dir, err := os.MkdirTemp("", "cqlshift-")
	if err != nil {
		return nil, err
	}
	config := fmt.Sprintf(`origin_contact_points: 127.0.0.1
origin_port: %d
target_contact_points: 127.0.0.11
target_port: %d
primary_cluster: ORIGIN
proxy_listen_address: 127.0.0.1
proxy_listen_port: 0
metrics_port: 0
`, origin.port, target.port)
	if level := os.Getenv("DRIVER_TEST_PROXY_LOG_LEVEL"); level != "" {
		config += "log_level: " + level + "\n"
	}
	path := filepath.Join(dir, "cqlshift.yaml")
	if err := os.WriteFile(path, []byte(config), 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// cqlshift logs to stdout and stderr: both go to one file, which
	// DRIVER_TEST_KEEP_PROXY_LOGS=1 keeps; stdout is also scanned for the listening line.
	stderr, err := os.Create(filepath.Join(dir, "output"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p := &proxyProcess{cmd: exec.Command(binary, "--config", path), dir: dir, stderr: stderr,
		done: make(chan error, 1), ready: make(chan struct{})}
	// The test's config file alone: no ZDM_* or CQLSHIFT_* variables (configuration keys to
	// cqlshift) from the environment.
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZDM_") && !strings.HasPrefix(kv, "CQLSHIFT_") {
			p.cmd.Env = append(p.cmd.Env, kv)
		}
	}
	p.cmd.Stdout = io.MultiWriter(stderr, &proxyLines{p: p})
	p.cmd.Stderr = stderr
	if err := p.cmd.Start(); err != nil {
		stderr.Close()
		os.RemoveAll(dir)
		return nil, fmt.Errorf("cannot start %s: %v", binary, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	select {
	case <-p.ready:
		return p, nil
	case err := <-p.done:
		diag := p.diagnostics()
		p.cleanup()
		return nil, fmt.Errorf("cqlshift exited (%v) before listening%s", err, diag)
	case <-time.After(startTimeout):
		p.cmd.Process.Kill()
		<-p.done
		diag := p.diagnostics()
		p.cleanup()
		return nil, fmt.Errorf("cqlshift printed no listening line within %v%s", startTimeout, diag)
	}
}

func (p *proxyProcess) cleanup() {
	p.stderr.Close()
	if os.Getenv("DRIVER_TEST_KEEP_PROXY_LOGS") == "" {
		os.RemoveAll(p.dir)
	}
}

func (p *proxyProcess) diagnostics() string {
	tail := make([]byte, 6000)
	info, _ := p.stderr.Stat()
	offset := int64(0)
	if info != nil && info.Size() > int64(len(tail)) {
		offset = info.Size() - int64(len(tail))
	}
	n, _ := p.stderr.ReadAt(tail, offset)
	return fmt.Sprintf("\n  command: %v\n  output (tail, %s):\n%s", p.cmd.Args, p.stderr.Name(),
		tail[:n])
}

// stop sends SIGTERM; cqlshift must exit 0 within stopTimeout (plus its shutdown grace).
func (p *proxyProcess) stop() error {
	defer p.cleanup()
	p.cmd.Process.Signal(syscall.SIGTERM)
	limit := stopTimeout + 15*time.Second
	select {
	case err := <-p.done:
		if err != nil {
			return fmt.Errorf("cqlshift exited with %v after SIGTERM%s", err, p.diagnostics())
		}
		return nil
	case <-time.After(limit):
		p.cmd.Process.Kill()
		<-p.done
		return fmt.Errorf("cqlshift ignored SIGTERM for %v%s", limit, p.diagnostics())
	}
}

func defaultProxyBinary() string {
	if env := os.Getenv("CQLSHIFT"); env != "" {
		return env
	}
	return filepath.Join(repoRoot(), "build", "release", "bin", "cqlshift")
}

// withProxy starts Origin, Target and the proxy, runs body, and stops all three (the proxy
// first), reporting the first error.
func withProxy(cqlsimBinary, proxyBinary string,
	body func(origin, target *cqlsim, proxy *proxyProcess) error) (err error) {
	origin, err := startCqlsimAt(cqlsimBinary, "127.0.0.1", 3, "--cluster-name", "origin",
		"--prepared-id-salt", "origin")
	if err != nil {
		return fmt.Errorf("origin: %v", err)
	}
	defer func() {
		if stopErr := origin.stop(); err == nil && stopErr != nil {
			err = fmt.Errorf("origin: %v", stopErr)
		}
	}()
	target, err := startCqlsimAt(cqlsimBinary, "127.0.0.11", 3, "--cluster-name", "target",
		"--prepared-id-salt", "target")
	if err != nil {
		return fmt.Errorf("target: %v", err)
	}
	defer func() {
		if stopErr := target.stop(); err == nil && stopErr != nil {
			err = fmt.Errorf("target: %v", stopErr)
		}
	}()
	proxy, err := startProxy(proxyBinary, origin, target)
	if err != nil {
		return err
	}
	defer func() {
		if stopErr := proxy.stop(); err == nil && stopErr != nil {
			err = stopErr
		}
	}()
	if err := body(origin, target, proxy); err != nil {
		return fmt.Errorf("%v\n  proxy output: %s (DRIVER_TEST_KEEP_PROXY_LOGS=1 keeps it)", err,
			proxy.stderr.Name())
	}
	return nil
}

// proxyRow is one row of the proxy flow's table as stored.
type proxyRow struct {
	V   *string
	N   *int64
	WtV *int64
	WtN *int64
}

func (r proxyRow) String() string {
	show := func(p interface{}) string {
		switch v := p.(type) {
		case *string:
			if v != nil {
				return strconv.Quote(*v)
			}
		case *int64:
			if v != nil {
				return strconv.FormatInt(*v, 10)
			}
		}
		return "null"
	}
	return fmt.Sprintf("{v=%s n=%s writetime(v)=%s writetime(n)=%s}", show(r.V), show(r.N),
		show(r.WtV), show(r.WtN))
}

const proxyRows = 1000

// proxyFlow: schema, 1,000 inserts (half simple, half prepared), updates and deletes through
// the proxy at protocol `proto`; the driver must see only the proxy.
func proxyFlow(cqlsimBinary, proxyBinary string, proto int) error {
	return withProxy(cqlsimBinary, proxyBinary, func(origin, target *cqlsim,
		proxy *proxyProcess) error {
		obs := newObserver()
		cluster := newCluster(flowOptions{port: proxy.port, protoVersion: proto}, obs)
		cluster.Hosts = []string{proxy.address}
		session, err := cluster.CreateSession()
		if err != nil {
			return fmt.Errorf("connect through the proxy: %v", err)
		}
		defer session.Close()
		ks := fmt.Sprintf("go_proxy_v%d", proto)
		exec := func(stmt string, values ...interface{}) error {
			if err := session.Query(stmt, values...).Exec(); err != nil {
				return fmt.Errorf("%s: %v", strings.Join(strings.Fields(stmt), " "), err)
			}
			return nil
		}
		if err := exec(fmt.Sprintf("CREATE KEYSPACE %s WITH replication = "+
			"{'class': 'SimpleStrategy', 'replication_factor': 1}", ks)); err != nil {
			return err
		}
		if err := exec(fmt.Sprintf("CREATE TABLE %s.t (pk int, ck int, v text, n bigint, "+
			"PRIMARY KEY (pk, ck))", ks)); err != nil {
			return err
		}
		// Even rows as simple statements (values inlined, no bind values: a QUERY), odd rows
		// prepared (gocql prepares any statement with bind values), from 8 goroutines.
		insert := fmt.Sprintf("INSERT INTO %s.t (pk, ck, v, n) VALUES (?, ?, ?, ?)", ks)
		work := make(chan int)
		errs := make(chan error, 8)
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					pk, ck := i/10, i%10
					var err error
					if i%2 == 0 {
						err = session.Query(fmt.Sprintf("INSERT INTO %s.t (pk, ck, v, n) VALUES "+
							"(%d, %d, 'row %d', %d)", ks, pk, ck, i, int64(i)*1000003)).Exec()
					} else {
						err = session.Query(insert, pk, ck, fmt.Sprintf("row %d", i),
							int64(i)*1000003).Exec()
					}
					if err != nil {
						errs <- fmt.Errorf("insert %d: %v", i, err)
						return
					}
				}
			}()
		}
		var insertErr error
	feed:
		for i := 0; i < proxyRows; i++ {
			select {
			case work <- i:
			case insertErr = <-errs:
				break feed
			}
		}
		close(work)
		wg.Wait()
		if insertErr == nil && len(errs) > 0 {
			insertErr = <-errs
		}
		if insertErr != nil {
			return insertErr
		}
		// Updates (prepared and simple), whole-row deletes and a column delete.
		for i := 0; i < proxyRows; i += 7 {
			pk, ck := i/10, i%10
			if i%2 == 0 {
				err = exec(fmt.Sprintf("UPDATE %s.t SET v = ? WHERE pk = ? AND ck = ?", ks),
					fmt.Sprintf("updated %d", i), pk, ck)
			} else {
				err = exec(fmt.Sprintf("UPDATE %s.t SET v = 'updated %d', n = -1 WHERE pk = %d "+
					"AND ck = %d", ks, i, pk, ck))
			}
			if err != nil {
				return err
			}
		}
		for i := 3; i < proxyRows; i += 50 {
			if err := exec(fmt.Sprintf("DELETE FROM %s.t WHERE pk = ? AND ck = ?", ks),
				i/10, i%10); err != nil {
				return err
			}
		}
		for i := 5; i < proxyRows; i += 40 {
			if err := exec(fmt.Sprintf("DELETE n FROM %s.t WHERE pk = %d AND ck = %d", ks, i/10,
				i%10)); err != nil {
				return err
			}
		}
		// Batches, counter batches and prepared SELECTs by key, on tables of their own; their
		// contents on each cluster are checked after the main table's (checkBatchesDirect).
		batchedViaProxy, err := proxyBatches(session, ks, exec)
		if err != nil {
			return err
		}
		// The expected contents (values only: write times come from gocql's clock).
		want := map[[2]int][2]string{}
		for i := 0; i < proxyRows; i++ {
			v, n := fmt.Sprintf("row %d", i), strconv.FormatInt(int64(i)*1000003, 10)
			if i%7 == 0 {
				v = fmt.Sprintf("updated %d", i)
				if i%2 == 1 {
					n = "-1"
				}
			}
			if i%40 == 5 {
				n = "null"
			}
			if i%50 == 3 {
				continue
			}
			want[[2]int{i / 10, i % 10}] = [2]string{v, n}
		}

		viaProxy, err := readProxyTable(session, ks)
		if err != nil {
			return fmt.Errorf("through the proxy: %v", err)
		}
		originRows, err := readDirect(origin, "127.0.0.1", ks)
		if err != nil {
			return fmt.Errorf("origin directly: %v", err)
		}
		targetRows, err := readDirect(target, "127.0.0.11", ks)
		if err != nil {
			return fmt.Errorf("target directly: %v", err)
		}
		if err := checkValues(want, originRows); err != nil {
			return fmt.Errorf("origin: %v", err)
		}
		if !reflect.DeepEqual(viaProxy, originRows) {
			return fmt.Errorf("rows through the proxy differ from Origin's: %s",
				diffRows(originRows, viaProxy))
		}
		if !reflect.DeepEqual(originRows, targetRows) {
			return fmt.Errorf("Origin and Target differ (including write times): %s",
				diffRows(originRows, targetRows))
		}
		if err := checkBatchesDirect(origin, target, ks, batchedViaProxy); err != nil {
			return err
		}

		// The driver saw one host, the proxy, and spoke only `proto`.
		obs.mu.Lock()
		defer obs.mu.Unlock()
		wantHosts := map[string]string{proxy.address: "datacenter1/rack0"}
		if !reflect.DeepEqual(obs.hosts, wantHosts) {
			return fmt.Errorf("hosts discovered through the proxy: %v, want %v", obs.hosts,
				wantHosts)
		}
		if len(obs.connected) != 1 || !obs.connected[proxy.address] {
			return fmt.Errorf("hosts connected: %v, want only %s", keys(obs.connected),
				proxy.address)
		}
		if len(obs.versions) != 1 || obs.versions[byte(proto)] == 0 {
			return fmt.Errorf("RESULT frames by protocol version: %v, want only v%d",
				obs.versions, proto)
		}
		return nil
	})
}

// The batch part of the proxy flow, on a table shaped like t, `batched`: partition 1 gets a
// LOGGED batch, partition 2 an UNLOGGED one. Rows ck 0-3 are inserted first, one statement
// each; then each batch mixes prepared children (gocql prepares entries with bind values) and
// simple ones (values inlined, sent as query strings): an INSERT of each kind (ck 10 and 11),
// an UPDATE of each kind (ck 0 and 1), a row DELETE (ck 2) and a column DELETE (n of ck 3).
// The deleted rows are not inserted by the batch itself: an insert and a delete of one cell at
// one timestamp would leave the outcome to tie-breaking rules.
var proxyBatchTypes = []struct {
	name string
	typ  gocql.BatchType
	pk   int
}{{"LOGGED", gocql.LoggedBatch, 1}, {"UNLOGGED", gocql.UnloggedBatch, 2}}

// batchCks: every clustering key the batch part writes, the deleted row included.
var batchCks = []int{0, 1, 2, 3, 10, 11}

// counterBatches COUNTER batches each add (1, -2) to key x and (10, 20) to y with bound
// values, and (100, -1) to z with inlined ones, in table `hits` (counter columns a and b).
// Repeated, so that an increment applied twice or lost shows in the totals.
const counterBatches = 3

var counterWant = map[string][2]int64{
	"x": {1 * counterBatches, -2 * counterBatches},
	"y": {10 * counterBatches, 20 * counterBatches},
	"z": {100 * counterBatches, -1 * counterBatches},
}

// batchWant: the expected contents of `batched`, as checkValues takes them.
func batchWant() map[[2]int][2]string {
	want := map[[2]int][2]string{}
	for _, b := range proxyBatchTypes {
		p := b.pk
		want[[2]int{p, 0}] = [2]string{fmt.Sprintf("prepared update %d", p), strconv.Itoa(p * 100)}
		want[[2]int{p, 1}] = [2]string{fmt.Sprintf("simple update %d", p), strconv.Itoa(-p)}
		want[[2]int{p, 3}] = [2]string{fmt.Sprintf("seed %d/3", p), "null"}
		want[[2]int{p, 10}] = [2]string{fmt.Sprintf("prepared %d", p), strconv.Itoa(p*100 + 10)}
		want[[2]int{p, 11}] = [2]string{fmt.Sprintf("simple %d", p), strconv.Itoa(p*100 + 11)}
	}
	return want
}

// proxyBatches runs the batch and counter batches through the proxy, then reads both tables
// back through it with prepared SELECTs by key, which must return the expected values. It
// returns the rows so read, for comparison with Origin's (the primary serves reads).
func proxyBatches(session *gocql.Session, ks string,
	exec func(string, ...interface{}) error) (map[[2]int]proxyRow, error) {
	table, hits := ks+".batched", ks+".hits"
	if err := exec(fmt.Sprintf("CREATE TABLE %s (pk int, ck int, v text, n bigint, "+
		"PRIMARY KEY (pk, ck))", table)); err != nil {
		return nil, err
	}
	if err := exec(fmt.Sprintf("CREATE TABLE %s (k text PRIMARY KEY, a counter, b counter)",
		hits)); err != nil {
		return nil, err
	}
	insert := fmt.Sprintf("INSERT INTO %s (pk, ck, v, n) VALUES (?, ?, ?, ?)", table)
	for _, b := range proxyBatchTypes {
		p := b.pk
		for ck := 0; ck < 4; ck++ {
			if err := exec(insert, p, ck, fmt.Sprintf("seed %d/%d", p, ck),
				int64(p*100+ck)); err != nil {
				return nil, err
			}
		}
		batch := session.NewBatch(b.typ)
		batch.Query(insert, p, 10, fmt.Sprintf("prepared %d", p), int64(p*100+10))
		batch.Query(fmt.Sprintf("INSERT INTO %s (pk, ck, v, n) VALUES (%d, 11, 'simple %d', %d)",
			table, p, p, p*100+11))
		batch.Query(fmt.Sprintf("UPDATE %s SET v = ? WHERE pk = ? AND ck = ?", table),
			fmt.Sprintf("prepared update %d", p), p, 0)
		batch.Query(fmt.Sprintf("UPDATE %s SET v = 'simple update %d', n = %d WHERE pk = %d "+
			"AND ck = 1", table, p, -p, p))
		batch.Query(fmt.Sprintf("DELETE FROM %s WHERE pk = ? AND ck = ?", table), p, 2)
		batch.Query(fmt.Sprintf("DELETE n FROM %s WHERE pk = %d AND ck = 3", table, p))
		if err := session.ExecuteBatch(batch); err != nil {
			return nil, fmt.Errorf("%s batch (partition %d of %s): %v", b.name, p, table, err)
		}
	}
	increment := fmt.Sprintf("UPDATE %s SET a = a + ?, b = b + ? WHERE k = ?", hits)
	for i := 0; i < counterBatches; i++ {
		batch := session.NewBatch(gocql.CounterBatch)
		batch.Query(increment, int64(1), int64(-2), "x")
		batch.Query(increment, int64(10), int64(20), "y")
		batch.Query(fmt.Sprintf("UPDATE %s SET a = a + 100, b = b - 1 WHERE k = 'z'", hits))
		if err := session.ExecuteBatch(batch); err != nil {
			return nil, fmt.Errorf("COUNTER batch %d of %d on %s: %v", i+1, counterBatches, hits,
				err)
		}
	}

	selectRow := fmt.Sprintf("SELECT v, n, writetime(v), writetime(n) FROM %s "+
		"WHERE pk = ? AND ck = ?", table)
	rows := map[[2]int]proxyRow{}
	for _, b := range proxyBatchTypes {
		for _, ck := range batchCks {
			var r proxyRow
			err := session.Query(selectRow, b.pk, ck).Scan(&r.V, &r.N, &r.WtV, &r.WtN)
			if err == gocql.ErrNotFound {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("prepared SELECT of %s row (%d, %d) through the proxy: %v",
					table, b.pk, ck, err)
			}
			rows[[2]int{b.pk, ck}] = r
		}
	}
	if err := checkValues(batchWant(), rows); err != nil {
		return nil, fmt.Errorf("prepared SELECTs by key of %s through the proxy: %v", table, err)
	}
	selectCounters := fmt.Sprintf("SELECT a, b FROM %s WHERE k = ?", hits)
	for k, want := range counterWant {
		var got [2]int64
		if err := session.Query(selectCounters, k).Scan(&got[0], &got[1]); err != nil {
			return nil, fmt.Errorf("prepared SELECT of %s key %q through the proxy: %v", hits, k,
				err)
		}
		if got != want {
			return nil, fmt.Errorf("prepared SELECT of %s key %q through the proxy: a=%d b=%d, "+
				"want a=%d b=%d", hits, k, got[0], got[1], want[0], want[1])
		}
	}
	return rows, nil
}

// checkBatchesDirect: Origin and Target, read directly, must each hold exactly the batch
// part's expected rows and counters, with the same write times as each other; the prepared
// SELECTs through the proxy (viaProxy) must have returned Origin's rows.
func checkBatchesDirect(origin, target *cqlsim, ks string,
	viaProxy map[[2]int]proxyRow) error {
	originRows, err := readBatchTables(origin, "127.0.0.1", ks)
	if err != nil {
		return fmt.Errorf("origin directly: %v", err)
	}
	targetRows, err := readBatchTables(target, "127.0.0.11", ks)
	if err != nil {
		return fmt.Errorf("target directly: %v", err)
	}
	if !reflect.DeepEqual(originRows, targetRows) {
		return fmt.Errorf("%s.batched: Origin and Target differ (including write times): %s", ks,
			diffRows(originRows, targetRows))
	}
	if !reflect.DeepEqual(viaProxy, originRows) {
		return fmt.Errorf("%s.batched: prepared SELECTs through the proxy differ from Origin's "+
			"rows: %s", ks, diffRows(originRows, viaProxy))
	}
	return nil
}

// readBatchTables checks one cluster's `batched` rows and `hits` counters against the
// expected values and returns the rows.
func readBatchTables(sim *cqlsim, address, ks string) (map[[2]int]proxyRow, error) {
	session, err := connectDirect(sim, address)
	if err != nil {
		return nil, err
	}
	defer session.Close()
	rows, err := scanTable(session, ks+".batched")
	if err != nil {
		return nil, fmt.Errorf("%s.batched: %v", ks, err)
	}
	if err := checkValues(batchWant(), rows); err != nil {
		return nil, fmt.Errorf("%s.batched: %v", ks, err)
	}
	counters := map[string][2]int64{}
	iter := session.Query(fmt.Sprintf("SELECT k, a, b FROM %s.hits", ks)).Iter()
	var k string
	var a, b int64
	for iter.Scan(&k, &a, &b) {
		counters[k] = [2]int64{a, b}
	}
	if err := iter.Close(); err != nil {
		return nil, fmt.Errorf("%s.hits: %v", ks, err)
	}
	if !reflect.DeepEqual(counters, counterWant) {
		return nil, fmt.Errorf("%s.hits: counters [a b] by key %v, want %v", ks, counters,
			counterWant)
	}
	return rows, nil
}

const selectRows = "SELECT pk, ck, v, n, writetime(v), writetime(n) FROM %s"

// scanTable reads every row of `table` (keyspace.name), a table shaped like the flow's t.
func scanTable(session *gocql.Session, table string) (map[[2]int]proxyRow, error) {
	rows := map[[2]int]proxyRow{}
	iter := session.Query(fmt.Sprintf(selectRows, table)).PageSize(300).Iter()
	var pk, ck int
	var r proxyRow
	for iter.Scan(&pk, &ck, &r.V, &r.N, &r.WtV, &r.WtN) {
		if _, dup := rows[[2]int{pk, ck}]; dup {
			return nil, fmt.Errorf("row (%d, %d) returned twice", pk, ck)
		}
		rows[[2]int{pk, ck}] = r
		r = proxyRow{}
	}
	if err := iter.Close(); err != nil {
		return nil, err
	}
	return rows, nil
}

func readProxyTable(session *gocql.Session, ks string) (map[[2]int]proxyRow, error) {
	return scanTable(session, ks+".t")
}

// connectDirect opens a session of its own to one cluster, bypassing the proxy.
func connectDirect(sim *cqlsim, address string) (*gocql.Session, error) {
	cluster := gocql.NewCluster(address)
	cluster.Port = sim.port
	cluster.Timeout = 10 * time.Second
	cluster.ConnectTimeout = 10 * time.Second
	session, err := cluster.CreateSession()
	if err != nil {
		return nil, fmt.Errorf("connect: %v", err)
	}
	return session, nil
}

// readDirect reads the table from one cluster with a session of its own.
func readDirect(sim *cqlsim, address, ks string) (map[[2]int]proxyRow, error) {
	session, err := connectDirect(sim, address)
	if err != nil {
		return nil, err
	}
	defer session.Close()
	return scanTable(session, ks+".t")
}

func checkValues(want map[[2]int][2]string, got map[[2]int]proxyRow) error {
	var problems []string
	for key, w := range want {
		g, ok := got[key]
		if !ok {
			problems = append(problems, fmt.Sprintf("row %v missing", key))
			continue
		}
		v, n := "null", "null"
		if g.V != nil {
			v = *g.V
		}
		if g.N != nil {
			n = strconv.FormatInt(*g.N, 10)
		}
		if v != w[0] || n != w[1] {
			problems = append(problems, fmt.Sprintf("row %v: v=%q n=%s, want v=%q n=%s", key, v, n,
				w[0], w[1]))
		}
		if g.WtV == nil || (n != "null") != (g.WtN != nil) {
			problems = append(problems, fmt.Sprintf("row %v: write times %v", key, g))
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			problems = append(problems, fmt.Sprintf("unexpected row %v", key))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	sort.Strings(problems)
	if len(problems) > 20 {
		problems = append(problems[:20], "...")
	}
	return fmt.Errorf("%d rows read:\n  %s", len(got), strings.Join(problems, "\n  "))
}

func diffRows(a, b map[[2]int]proxyRow) string {
	var out []string
	for key, ra := range a {
		if rb, ok := b[key]; !ok {
			out = append(out, fmt.Sprintf("%v only in the first", key))
		} else if !reflect.DeepEqual(ra, rb) {
			out = append(out, fmt.Sprintf("%v: %v vs %v", key, ra, rb))
		}
	}
	for key := range b {
		if _, ok := a[key]; !ok {
			out = append(out, fmt.Sprintf("%v only in the second", key))
		}
	}
	sort.Strings(out)
	if len(out) > 20 {
		out = append(out[:20], "...")
	}
	return fmt.Sprintf("%d rows vs %d rows:\n  %s", len(a), len(b), strings.Join(out, "\n  "))
}
