package main

import (
	"context"
	"fmt"
	"math/big"
	"math/rand"
	"net"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gocql/gocql"
	"gopkg.in/inf.v0"
)

const pageSize = 100

type address struct {
	Street string `cql:"street"`
	Zip    int    `cql:"zip"`
}

// item is one row of the items table; rowFor(n) gives its values.
type item struct {
	pk, ck   int
	name     *string // null on every 10th row
	big      int64
	flag     bool
	score    float64
	ratio    float32
	amount   *inf.Dec
	id       gocql.UUID
	tid      gocql.UUID
	ts       time.Time
	day      time.Time
	data     []byte
	ip       net.IP
	tags     []string // set<text>: read back sorted
	nums     []int
	attrs    map[string]int
	addr     address
	vi       *big.Int
	small    int16
	tiny     int8
	dur      gocql.Duration
	tm       time.Duration
	tupleNum int
	tupleTxt string
}

const itemsTable = `CREATE TABLE %s.items (pk int, ck int, name text, big bigint, flag boolean,
	score double, ratio float, amount decimal, id uuid, tid timeuuid, ts timestamp, day date,
	data blob, ip inet, tags set<text>, nums list<int>, attrs map<text, int>,
	addr frozen<address>, vi varint, small smallint, tiny tinyint, dur duration, tm time,
	pair frozen<tuple<int, text>>, PRIMARY KEY (pk, ck))`

// Bound by the prepared INSERT. gocql 1.3.2 cannot bind a tuple in a prepared statement (it
// counts a tuple's elements as separate bind values, then indexes the columns by value), so
// the tuple column `pair` is written with a CQL literal (writePairs) and read back as two
// scan destinations, the way gocql expands tuples.
const insertColumns = "pk, ck, name, big, flag, score, ratio, amount, id, tid, ts, day, data, " +
	"ip, tags, nums, attrs, addr, vi, small, tiny, dur, tm"

const itemColumns = insertColumns + ", pair"

// Metadata types as system_schema.columns holds them (gocql reports them as Validator).
var itemTypes = map[string]string{
	"pk": "int", "ck": "int", "name": "text", "big": "bigint", "flag": "boolean",
	"score": "double", "ratio": "float", "amount": "decimal", "id": "uuid", "tid": "timeuuid",
	"ts": "timestamp", "day": "date", "data": "blob", "ip": "inet", "tags": "set<text>",
	"nums": "list<int>", "attrs": "map<text, int>", "addr": "frozen<address>", "vi": "varint",
	"small": "smallint", "tiny": "tinyint", "dur": "duration", "tm": "time",
	"pair": "frozen<tuple<int, text>>",
}

const rowsPerPartition = 7

func randomUUID(r *rand.Rand, version byte) gocql.UUID {
	var u gocql.UUID
	r.Read(u[:])
	u[6] = u[6]&0x0f | version<<4
	u[8] = u[8]&0x3f | 0x80
	return u
}

func rowFor(n int) item {
	r := rand.New(rand.NewSource(int64(n)))
	it := item{pk: n / rowsPerPartition, ck: n % rowsPerPartition}
	if n%10 != 0 {
		name := fmt.Sprintf("item %d ü 'q' 😀", n)
		it.name = &name
	}
	it.big = r.Int63() - r.Int63()
	it.flag = n%3 == 0
	it.score = r.NormFloat64() * 1e100
	it.ratio = float32(r.Intn(1<<20)) / 8
	it.amount = inf.NewDec(r.Int63n(1e15)-5e14, inf.Scale(r.Intn(10)))
	it.id = randomUUID(r, 4)
	it.tid = randomUUID(r, 1)
	it.ts = time.UnixMilli(r.Int63n(1<<42) - 1<<41).UTC()
	// gocql 1.3.2 decodes a date through nanoseconds since 1970 in an int64: years 1678-2261.
	it.day = time.Date(1700+r.Intn(550), time.Month(1+r.Intn(12)), 1+r.Intn(28), 0, 0, 0, 0,
		time.UTC)
	it.data = make([]byte, n%30)
	r.Read(it.data)
	if n%4 == 0 {
		it.ip = net.ParseIP(fmt.Sprintf("2001:db8::%x", n%65535+1))
	} else {
		it.ip = net.IPv4(10, byte(n), byte(r.Intn(256)), byte(r.Intn(256))).To4()
	}
	k := n % 4 // row 4m: empty collections, which Cassandra stores as null
	for i := 0; i < k; i++ {
		it.tags = append(it.tags, fmt.Sprintf("tag%d", r.Intn(50)))
		it.nums = append(it.nums, int(r.Int31())-1<<30)
	}
	sort.Strings(it.tags)
	it.tags = dedupe(it.tags)
	if k > 0 {
		it.attrs = map[string]int{}
		for i := 0; i < k; i++ {
			it.attrs[fmt.Sprintf("a%d", i)] = r.Intn(1000) - 500
		}
	}
	it.addr = address{Street: fmt.Sprintf("%d Main St", n), Zip: 10000 + n}
	it.vi = new(big.Int).Lsh(big.NewInt(r.Int63()), uint(r.Intn(100)))
	if n%2 == 0 {
		it.vi.Neg(it.vi)
	}
	it.small = int16(r.Intn(65536) - 32768)
	it.tiny = int8(r.Intn(256) - 128)
	it.dur = gocql.Duration{Months: r.Int31n(100), Days: r.Int31n(100), Nanoseconds: r.Int63n(1e15)}
	it.tm = time.Duration(r.Int63n(int64(24 * time.Hour)))
	if hasPair(n) {
		it.tupleNum, it.tupleTxt = n, fmt.Sprintf("t%d", n)
	}
	return it
}

func hasPair(n int) bool { return n%50 == 0 }

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (it *item) bindValues() []interface{} {
	var name interface{}
	if it.name != nil {
		name = *it.name
	}
	return []interface{}{it.pk, it.ck, name, it.big, it.flag, it.score, it.ratio, it.amount,
		it.id, it.tid, it.ts, it.day, it.data, it.ip, it.tags, it.nums, it.attrs, it.addr, it.vi,
		it.small, it.tiny, it.dur, it.tm}
}

// scanDest returns destinations for SELECT itemColumns (the tuple takes two) into it.
func (it *item) scanDest() []interface{} {
	return []interface{}{&it.pk, &it.ck, &it.name, &it.big, &it.flag, &it.score, &it.ratio,
		&it.amount, &it.id, &it.tid, &it.ts, &it.day, &it.data, &it.ip, &it.tags, &it.nums,
		&it.attrs, &it.addr, &it.vi, &it.small, &it.tiny, &it.dur, &it.tm, &it.tupleNum,
		&it.tupleTxt}
}

// diff lists the fields where got differs from want.
func diff(want, got item) []string {
	var out []string
	check := func(field string, equal bool, w, g interface{}) {
		if !equal {
			out = append(out, fmt.Sprintf("%s: want %v, got %v", field, w, g))
		}
	}
	str := func(p *string) string {
		if p == nil {
			return "<null>"
		}
		return *p
	}
	check("name", str(want.name) == str(got.name), str(want.name), str(got.name))
	check("big", want.big == got.big, want.big, got.big)
	check("flag", want.flag == got.flag, want.flag, got.flag)
	check("score", want.score == got.score, want.score, got.score)
	check("ratio", want.ratio == got.ratio, want.ratio, got.ratio)
	check("amount", got.amount != nil && want.amount.Cmp(got.amount) == 0 &&
		want.amount.Scale() == got.amount.Scale(), want.amount, got.amount)
	check("id", want.id == got.id, want.id, got.id)
	check("tid", want.tid == got.tid, want.tid, got.tid)
	check("ts", want.ts.Equal(got.ts), want.ts, got.ts)
	check("day", want.day.Equal(got.day), want.day, got.day)
	check("data", string(want.data) == string(got.data), want.data, got.data)
	check("ip", want.ip.Equal(got.ip), want.ip, got.ip)
	check("tags", reflect.DeepEqual(want.tags, got.tags) || len(want.tags)+len(got.tags) == 0,
		want.tags, got.tags)
	check("nums", reflect.DeepEqual(want.nums, got.nums) || len(want.nums)+len(got.nums) == 0,
		want.nums, got.nums)
	check("attrs", reflect.DeepEqual(want.attrs, got.attrs) || len(want.attrs)+len(got.attrs) == 0,
		want.attrs, got.attrs)
	check("addr", want.addr == got.addr, want.addr, got.addr)
	check("vi", got.vi != nil && want.vi.Cmp(got.vi) == 0, want.vi, got.vi)
	check("small", want.small == got.small, want.small, got.small)
	check("tiny", want.tiny == got.tiny, want.tiny, got.tiny)
	check("dur", want.dur == got.dur, want.dur, got.dur)
	check("tm", want.tm == got.tm, want.tm, got.tm)
	check("pair", want.tupleNum == got.tupleNum && want.tupleTxt == got.tupleTxt,
		[]interface{}{want.tupleNum, want.tupleTxt}, []interface{}{got.tupleNum, got.tupleTxt})
	return out
}

// observer records what gocql saw of the cluster: hosts, connections, response versions.
type observer struct {
	mu        sync.Mutex
	hosts     map[string]string // address -> datacenter/rack, from the HostFilter
	connected map[string]bool
	versions  map[byte]int // protocol version of RESULT frames -> count
}

func newObserver() *observer {
	return &observer{hosts: map[string]string{}, connected: map[string]bool{},
		versions: map[byte]int{}}
}

func (o *observer) Accept(h *gocql.HostInfo) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.hosts[h.ConnectAddress().String()] = h.DataCenter() + "/" + h.Rack()
	return true
}

func (o *observer) ObserveConnect(c gocql.ObservedConnect) {
	if c.Err == nil {
		o.mu.Lock()
		o.connected[c.Host.ConnectAddress().String()] = true
		o.mu.Unlock()
	}
}

type frameObserver struct{ o *observer }

const opResult = 0x08

func (f frameObserver) ObserveFrameHeader(_ context.Context, h gocql.ObservedFrameHeader) {
	if byte(h.Opcode) == opResult {
		f.o.mu.Lock()
		f.o.versions[byte(h.Version)&0x7f]++
		f.o.mu.Unlock()
	}
}

type flowOptions struct {
	port         int
	protoVersion int // 0: let gocql negotiate
	wantVersion  byte
	rows         int
	keyspace     string
	auth         gocql.Authenticator
}

func newCluster(o flowOptions, obs *observer) *gocql.ClusterConfig {
	cluster := gocql.NewCluster("127.0.0.1")
	cluster.Port = o.port
	cluster.ProtoVersion = o.protoVersion
	// gocql's 600 ms default is too short for a loaded two-core CI machine.
	cluster.Timeout = 10 * time.Second
	cluster.ConnectTimeout = 10 * time.Second
	cluster.PoolConfig.HostSelectionPolicy = gocql.TokenAwareHostPolicy(gocql.RoundRobinHostPolicy())
	if o.auth != nil {
		cluster.Authenticator = o.auth
	}
	if obs != nil {
		cluster.HostFilter = obs
		cluster.ConnectObserver = obs
		cluster.FrameHeaderObserver = frameObserver{obs}
	}
	return cluster
}

func coreFlow(o flowOptions) error {
	obs := newObserver()
	session, err := newCluster(o, obs).CreateSession()
	if err != nil {
		return fmt.Errorf("connect: %v", err)
	}
	defer session.Close()
	exec := func(stmt string, values ...interface{}) error {
		if err := session.Query(stmt, values...).Exec(); err != nil {
			return fmt.Errorf("%s: %v", strings.Join(strings.Fields(stmt), " "), err)
		}
		return nil
	}
	ks := o.keyspace

	if err := exec(fmt.Sprintf("CREATE KEYSPACE %s WITH replication = "+
		"{'class': 'SimpleStrategy', 'replication_factor': 1}", ks)); err != nil {
		return err
	}
	if err := exec(fmt.Sprintf("CREATE TYPE %s.address (street text, zip int)", ks)); err != nil {
		return err
	}
	if err := exec(fmt.Sprintf(itemsTable, ks)); err != nil {
		return err
	}
	if err := insertItems(session, ks, o.rows); err != nil {
		return err
	}
	if err := readItems(session, ks, o.rows); err != nil {
		return err
	}
	if err := checkBatches(session, ks, exec); err != nil {
		return err
	}
	if err := checkLWT(session, ks, exec); err != nil {
		return err
	}
	if err := checkTTL(session, ks, exec); err != nil {
		return err
	}
	if err := checkMetadata(session, ks); err != nil {
		return err
	}
	return checkTopology(session, ks, obs, o.wantVersion)
}

func insertItems(session *gocql.Session, ks string, rows int) error {
	insert := fmt.Sprintf("INSERT INTO %s.items (%s) VALUES (%s)", ks, insertColumns,
		strings.TrimSuffix(strings.Repeat("?, ", 23), ", "))
	work := make(chan int)
	errs := make(chan error, 16)
	var wg sync.WaitGroup
	for w := 0; w < 16; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				it := rowFor(n)
				if err := session.Query(insert, it.bindValues()...).Exec(); err != nil {
					errs <- fmt.Errorf("insert row %d: %v", n, err)
					return
				}
			}
		}()
	}
	var err error
feed:
	for n := 0; n < rows; n++ {
		select {
		case work <- n:
		case err = <-errs:
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err == nil && len(errs) > 0 {
		err = <-errs
	}
	if err != nil {
		return err
	}
	for n := 0; n < rows; n++ {
		if !hasPair(n) {
			continue
		}
		it := rowFor(n)
		// No bind values: gocql sends a plain QUERY.
		stmt := fmt.Sprintf("UPDATE %s.items SET pair = (%d, '%s') WHERE pk = %d AND ck = %d", ks,
			it.tupleNum, it.tupleTxt, it.pk, it.ck)
		if err := session.Query(stmt).Exec(); err != nil {
			return fmt.Errorf("%s: %v", stmt, err)
		}
	}
	return nil
}

// readItems pages through the table by hand (PageState) and checks every row once.
func readItems(session *gocql.Session, ks string, rows int) error {
	seen := map[[2]int]bool{}
	var problems []string
	var state []byte
	pages := 0
	for {
		iter := session.Query(fmt.Sprintf("SELECT %s FROM %s.items", itemColumns, ks)).
			PageSize(pageSize).PageState(state).Iter()
		if iter.NumRows() > pageSize {
			return fmt.Errorf("page %d holds %d rows, more than the page size", pages, iter.NumRows())
		}
		var got item
		for iter.Scan(got.scanDest()...) {
			key := [2]int{got.pk, got.ck}
			n := got.pk*rowsPerPartition + got.ck
			switch {
			case seen[key]:
				problems = append(problems, fmt.Sprintf("row %v returned twice", key))
			case got.ck < 0 || got.ck >= rowsPerPartition || n < 0 || n >= rows:
				problems = append(problems, fmt.Sprintf("unexpected row %v", key))
			default:
				for _, d := range diff(rowFor(n), got) {
					problems = append(problems, fmt.Sprintf("row %v: %s", key, d))
				}
			}
			seen[key] = true
			got = item{}
		}
		state = iter.PageState()
		if err := iter.Close(); err != nil {
			return fmt.Errorf("read page %d: %v", pages, err)
		}
		pages++
		if len(state) == 0 {
			break
		}
	}
	if len(seen) != rows {
		problems = append(problems, fmt.Sprintf("%d distinct rows read, %d written", len(seen), rows))
	}
	if pages < (rows+pageSize-1)/pageSize {
		problems = append(problems, fmt.Sprintf("%d pages for %d rows", pages, rows))
	}
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = problems[:20]
		}
		return fmt.Errorf("paged read-back:\n  %s", strings.Join(problems, "\n  "))
	}

	// The same read with gocql's automatic paging, within one partition.
	iter := session.Query(fmt.Sprintf("SELECT ck FROM %s.items WHERE pk = ?", ks), 1).
		PageSize(3).Iter()
	var cks []int
	var ck int
	for iter.Scan(&ck) {
		cks = append(cks, ck)
	}
	if err := iter.Close(); err != nil {
		return fmt.Errorf("partition read: %v", err)
	}
	if !reflect.DeepEqual(cks, []int{0, 1, 2, 3, 4, 5, 6}) {
		return fmt.Errorf("partition 1 in clustering order: got %v", cks)
	}
	return nil
}

func checkBatches(session *gocql.Session, ks string, exec func(string, ...interface{}) error) error {
	if err := exec(fmt.Sprintf("CREATE TABLE %s.kv (k int PRIMARY KEY, v text)", ks)); err != nil {
		return err
	}
	if err := exec(fmt.Sprintf("CREATE TABLE %s.hits (k text PRIMARY KEY, n counter)", ks)); err != nil {
		return err
	}
	for _, typ := range []gocql.BatchType{gocql.LoggedBatch, gocql.UnloggedBatch} {
		batch := session.NewBatch(typ)
		for k := 0; k < 10; k++ {
			batch.Query(fmt.Sprintf("INSERT INTO %s.kv (k, v) VALUES (?, ?)", ks), k, fmt.Sprint(typ, k))
		}
		batch.Query(fmt.Sprintf("DELETE FROM %s.kv WHERE k = 9", ks))
		if err := session.ExecuteBatch(batch); err != nil {
			return fmt.Errorf("batch %v: %v", typ, err)
		}
		got := map[int]string{}
		times := map[int64]bool{}
		iter := session.Query(fmt.Sprintf("SELECT k, v, writetime(v) FROM %s.kv", ks)).Iter()
		var k int
		var v string
		var wt int64
		for iter.Scan(&k, &v, &wt) {
			got[k] = v
			times[wt] = true
		}
		if err := iter.Close(); err != nil {
			return fmt.Errorf("read batch %v: %v", typ, err)
		}
		want := map[int]string{}
		for k := 0; k < 9; k++ {
			want[k] = fmt.Sprint(typ, k)
		}
		if !reflect.DeepEqual(got, want) || len(times) != 1 {
			return fmt.Errorf("batch %v: rows %v (want %v), %d distinct write times (want 1)",
				typ, got, want, len(times))
		}
	}
	counter := fmt.Sprintf("UPDATE %s.hits SET n = n + ? WHERE k = ?", ks)
	for i := 0; i < 2; i++ {
		batch := session.NewBatch(gocql.CounterBatch)
		batch.Query(counter, int64(5), "a")
		batch.Query(counter, int64(-2), "b")
		if err := session.ExecuteBatch(batch); err != nil {
			return fmt.Errorf("counter batch: %v", err)
		}
	}
	var a, b int64
	if err := session.Query(fmt.Sprintf("SELECT n FROM %s.hits WHERE k = 'a'", ks)).Scan(&a); err != nil {
		return fmt.Errorf("read counter: %v", err)
	}
	if err := session.Query(fmt.Sprintf("SELECT n FROM %s.hits WHERE k = 'b'", ks)).Scan(&b); err != nil {
		return fmt.Errorf("read counter: %v", err)
	}
	if a != 10 || b != -4 {
		return fmt.Errorf("counters after two batches: a=%d b=%d, want 10 and -4", a, b)
	}
	return nil
}

func checkLWT(session *gocql.Session, ks string, exec func(string, ...interface{}) error) error {
	if err := exec(fmt.Sprintf("CREATE TABLE %s.users (id int PRIMARY KEY, name text, email text)",
		ks)); err != nil {
		return err
	}
	insert := fmt.Sprintf("INSERT INTO %s.users (id, name, email) VALUES (?, ?, ?) IF NOT EXISTS", ks)
	current := map[string]interface{}{}
	applied, err := session.Query(insert, 1, "ann", "a@x").MapScanCAS(current)
	if err != nil || !applied {
		return fmt.Errorf("first INSERT IF NOT EXISTS: applied=%v err=%v", applied, err)
	}
	current = map[string]interface{}{}
	applied, err = session.Query(insert, 1, "bob", "b@x").MapScanCAS(current)
	want := map[string]interface{}{"id": 1, "name": "ann", "email": "a@x"}
	if err != nil || applied || !reflect.DeepEqual(current, want) {
		return fmt.Errorf("second INSERT IF NOT EXISTS: applied=%v err=%v current=%v, want "+
			"not applied with %v", applied, err, current, want)
	}
	update := fmt.Sprintf("UPDATE %s.users SET email = ? WHERE id = ? IF name = ?", ks)
	var name string
	applied, err = session.Query(update, "ann@x", 1, "ann").ScanCAS(&name)
	if err != nil || !applied {
		return fmt.Errorf("UPDATE IF name = 'ann': applied=%v err=%v", applied, err)
	}
	applied, err = session.Query(update, "zed@x", 1, "zed").ScanCAS(&name)
	if err != nil || applied || name != "ann" {
		return fmt.Errorf("UPDATE IF name = 'zed': applied=%v err=%v name=%q, want not "+
			"applied with name ann", applied, err, name)
	}
	var email string
	if err := session.Query(fmt.Sprintf("SELECT email FROM %s.users WHERE id = 1", ks)).
		Scan(&email); err != nil || email != "ann@x" {
		return fmt.Errorf("email after LWT updates: %q (%v), want ann@x", email, err)
	}
	return nil
}

func checkTTL(session *gocql.Session, ks string, exec func(string, ...interface{}) error) error {
	if err := exec(fmt.Sprintf("INSERT INTO %s.kv (k, v) VALUES (100, 'ttl') USING TTL 1000 "+
		"AND TIMESTAMP 1234567890", ks)); err != nil {
		return err
	}
	var ttl int
	var wt int64
	if err := session.Query(fmt.Sprintf("SELECT ttl(v), writetime(v) FROM %s.kv WHERE k = 100",
		ks)).Scan(&ttl, &wt); err != nil {
		return fmt.Errorf("read ttl: %v", err)
	}
	if ttl <= 900 || ttl > 1000 || wt != 1234567890 {
		return fmt.Errorf("ttl(v)=%d writetime(v)=%d, want ttl in (900, 1000] and 1234567890",
			ttl, wt)
	}
	// A client timestamp set on the query (gocql sends its own clock's by default).
	if err := session.Query(fmt.Sprintf("UPDATE %s.kv USING TTL 50 SET v = 'later' WHERE k = 100",
		ks)).WithTimestamp(1234567891).Exec(); err != nil {
		return fmt.Errorf("update with client timestamp: %v", err)
	}
	var v string
	if err := session.Query(fmt.Sprintf("SELECT v, ttl(v), writetime(v) FROM %s.kv WHERE k = 100",
		ks)).Scan(&v, &ttl, &wt); err != nil {
		return fmt.Errorf("read ttl: %v", err)
	}
	if v != "later" || ttl <= 0 || ttl > 50 || wt != 1234567891 {
		return fmt.Errorf("after update: v=%q ttl=%d writetime=%d, want later, (0, 50], 1234567891",
			v, ttl, wt)
	}
	return nil
}

func checkMetadata(session *gocql.Session, ks string) error {
	meta, err := session.KeyspaceMetadata(ks)
	if err != nil {
		return fmt.Errorf("keyspace metadata: %v", err)
	}
	if !strings.HasSuffix(meta.StrategyClass, "SimpleStrategy") ||
		fmt.Sprint(meta.StrategyOptions["replication_factor"]) != "1" {
		return fmt.Errorf("replication: %s %v", meta.StrategyClass, meta.StrategyOptions)
	}
	table := meta.Tables["items"]
	if table == nil {
		return fmt.Errorf("no table items in the metadata of %s: %v", ks, keys(meta.Tables))
	}
	if len(table.PartitionKey) != 1 || table.PartitionKey[0].Name != "pk" ||
		len(table.ClusteringColumns) != 1 || table.ClusteringColumns[0].Name != "ck" {
		return fmt.Errorf("items key: partition %v, clustering %v", names(table.PartitionKey),
			names(table.ClusteringColumns))
	}
	got := map[string]string{}
	for name, c := range table.Columns {
		got[name] = c.Validator
	}
	if !reflect.DeepEqual(got, itemTypes) {
		return fmt.Errorf("items columns: got %v, want %v", got, itemTypes)
	}
	udt := meta.UserTypes["address"]
	if udt == nil || !reflect.DeepEqual(udt.FieldNames, []string{"street", "zip"}) {
		return fmt.Errorf("user type address: %+v", udt)
	}
	return nil
}

func checkTopology(session *gocql.Session, ks string, obs *observer, wantVersion byte) error {
	// Reads spread over the nodes by token; each node must answer some.
	served := map[string]bool{}
	for pk := 0; pk < 60; pk++ {
		iter := session.Query(fmt.Sprintf("SELECT ck FROM %s.items WHERE pk = ?", ks), pk).Iter()
		if h := iter.Host(); h != nil {
			served[h.ConnectAddress().String()] = true
		}
		if err := iter.Close(); err != nil {
			return fmt.Errorf("read partition %d: %v", pk, err)
		}
	}
	want := map[string]string{"127.0.0.1": "datacenter1/rack1", "127.0.0.2": "datacenter1/rack1",
		"127.0.0.3": "datacenter1/rack1"}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	if !reflect.DeepEqual(obs.hosts, want) {
		return fmt.Errorf("hosts discovered: %v, want %v", obs.hosts, want)
	}
	if len(obs.connected) != 3 || len(served) != 3 {
		return fmt.Errorf("hosts connected %v, hosts that served reads %v: want all three",
			keys(obs.connected), keys(served))
	}
	if len(obs.versions) != 1 || obs.versions[wantVersion] == 0 {
		return fmt.Errorf("RESULT frames by protocol version: %v, want only v%d", obs.versions,
			wantVersion)
	}
	return nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func names(cols []*gocql.ColumnMetadata) []string {
	out := make([]string, 0, len(cols))
	for _, c := range cols {
		out = append(out, c.Name)
	}
	return out
}
