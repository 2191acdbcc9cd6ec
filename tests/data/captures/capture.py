#!/usr/bin/python3
"""Records the DataStax Python driver's real native-protocol bytes against a fake Cassandra.

Run with Debian's interpreter, which has python3-cassandra (3.25), python3-lz4 and
python3-snappy:  /usr/bin/python3 tests/data/captures/capture.py [--out DIR] [SCENARIO...]

For each scenario a tiny fake server listens on 127.0.0.1 (OS-chosen port), the real driver
connects to it with the scenario's protocol version, compression and auth, and runs a workload
that sends every request kind an application sends. The server answers from the spec and
checks every request it parses (whole body consumed, segment CRCs right). Everything both
sides wrote is stored in <scenario>.cap and a frame listing in <scenario>.frames; see README.md.
"""

import argparse
import hashlib
import logging
import os
import re
import socket
import struct
import sys
import threading
import traceback
import uuid
import zlib

import lz4.block
import snappy

from cassandra import (AlreadyExists, ConsistencyLevel, InvalidRequest, ReadFailure, ReadTimeout,
                       WriteTimeout)
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile, NoHostAvailable
from cassandra.marshal import int32_pack
from cassandra.policies import RoundRobinPolicy
from cassandra.protocol import QueryMessage, SyntaxException
from cassandra.query import UNSET_VALUE, BatchStatement, BatchType, SimpleStatement

CAPTURE_MAGIC = b"CQLCAP1\n"

OPCODES = {
    "ERROR": 0x00, "STARTUP": 0x01, "READY": 0x02, "AUTHENTICATE": 0x03, "OPTIONS": 0x05,
    "SUPPORTED": 0x06, "QUERY": 0x07, "RESULT": 0x08, "PREPARE": 0x09, "EXECUTE": 0x0A,
    "REGISTER": 0x0B, "EVENT": 0x0C, "BATCH": 0x0D, "AUTH_CHALLENGE": 0x0E,
    "AUTH_RESPONSE": 0x0F, "AUTH_SUCCESS": 0x10,
}
OPCODE_NAMES = {v: k for k, v in OPCODES.items()}

FLAG_COMPRESSION = 0x01
FLAG_TRACING = 0x02
FLAG_CUSTOM_PAYLOAD = 0x04
FLAG_WARNING = 0x08

USERNAME = "cassandra"
PASSWORD = "cassandra"
HOST_ID = uuid.UUID("5d3d0e3a-6c1f-4f0e-9b5e-2f6a0c1d7e11")
SCHEMA_VERSION = uuid.UUID("e84b6a60-24cf-30ca-9b58-452d92911703")
TRACE_ID = uuid.UUID("0f1e2d3c-4b5a-11ee-8c99-0242ac120002")


# ---------------------------------------------------------------------------------------------
# Spec notation (section 3), written from the spec.

def w_byte(n):
    return struct.pack(">B", n)


def w_short(n):
    return struct.pack(">H", n)


def w_int(n):
    return struct.pack(">i", n)


def w_long(n):
    return struct.pack(">q", n)


def w_string(s):
    b = s.encode()
    return w_short(len(b)) + b


def w_long_string(s):
    b = s.encode()
    return w_int(len(b)) + b


def w_bytes(b):
    return w_int(-1) if b is None else w_int(len(b)) + b


def w_short_bytes(b):
    return w_short(len(b)) + b


def w_string_list(items):
    return w_short(len(items)) + b"".join(w_string(s) for s in items)


def w_string_multimap(m):
    return w_short(len(m)) + b"".join(w_string(k) + w_string_list(v) for k, v in m)


def w_bytes_map(m):
    return w_short(len(m)) + b"".join(w_string(k) + w_bytes(v) for k, v in m)


def w_inetaddr(addr):
    raw = socket.inet_pton(socket.AF_INET6 if ":" in addr else socket.AF_INET, addr)
    return w_byte(len(raw)) + raw


def w_inet(addr, port):
    return w_inetaddr(addr) + w_int(port)


def unsigned_vint(n):
    for size in range(1, 9):
        if n < (1 << (7 * size)):
            out = bytearray(n.to_bytes(size, "big"))
            out[0] |= (0xFF << (9 - size)) & 0xFF
            return bytes(out)
    return b"\xff" + n.to_bytes(8, "big")


def vint(n):
    return unsigned_vint((n << 1) if n >= 0 else ((-n) << 1) - 1)


class Reader:
    """Bounds-checked cursor; the server rejects any request it cannot read exactly."""

    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0

    def raw(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise ValueError("truncated at %d (+%d of %d)" % (self.pos, n, len(self.data)))
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def byte(self):
        return self.raw(1)[0]

    def short(self):
        return struct.unpack(">H", self.raw(2))[0]

    def int(self):
        return struct.unpack(">i", self.raw(4))[0]

    def long(self):
        return struct.unpack(">q", self.raw(8))[0]

    def string(self):
        return self.raw(self.short()).decode()

    def long_string(self):
        return self.raw(self.int()).decode()

    def bytes(self):
        n = self.int()
        return None if n < 0 else self.raw(n)

    def short_bytes(self):
        return self.raw(self.short())

    def value(self):
        n = self.int()
        if n == -1:
            return None
        if n == -2:
            return UNSET_VALUE
        return self.raw(n)

    def string_list(self):
        return [self.string() for _ in range(self.short())]

    def string_map(self):
        return [(self.string(), self.string()) for _ in range(self.short())]

    def bytes_map(self):
        return [(self.string(), self.bytes()) for _ in range(self.short())]

    def finish(self):
        if self.pos != len(self.data):
            raise ValueError("%d trailing bytes" % (len(self.data) - self.pos))


# ---------------------------------------------------------------------------------------------
# Column types ([option], spec 4.2.5.2) and value serialization (spec section 6).

TYPE_CODES = {
    "custom": 0x0000, "ascii": 0x0001, "bigint": 0x0002, "blob": 0x0003, "boolean": 0x0004,
    "counter": 0x0005, "decimal": 0x0006, "double": 0x0007, "float": 0x0008, "int": 0x0009,
    "timestamp": 0x000B, "uuid": 0x000C, "varchar": 0x000D, "varint": 0x000E,
    "timeuuid": 0x000F, "inet": 0x0010, "date": 0x0011, "time": 0x0012, "smallint": 0x0013,
    "tinyint": 0x0014, "duration": 0x0015, "list": 0x0020, "map": 0x0021, "set": 0x0022,
    "udt": 0x0030, "tuple": 0x0031,
}

TEXT = ("varchar",)
INT = ("int",)
BOOLEAN = ("boolean",)
UUID = ("uuid",)
INET = ("inet",)
BLOB = ("blob",)
DOUBLE = ("double",)


def list_of(t):
    return ("list", t)


def set_of(t):
    return ("set", t)


def map_of(k, v):
    return ("map", k, v)


def w_type(t):
    out = w_short(TYPE_CODES[t[0]])
    if t[0] == "custom":
        out += w_string(t[1])
    elif t[0] in ("list", "set"):
        out += w_type(t[1])
    elif t[0] == "map":
        out += w_type(t[1]) + w_type(t[2])
    elif t[0] == "udt":
        _, ks, name, fields = t
        out += w_string(ks) + w_string(name) + w_short(len(fields))
        out += b"".join(w_string(n) + w_type(ft) for n, ft in fields)
    elif t[0] == "tuple":
        out += w_short(len(t[1])) + b"".join(w_type(e) for e in t[1])
    return out


def varint_bytes(n):
    return n.to_bytes((n.bit_length() + 8) // 8, "big", signed=True)


def serialize(t, v):
    """The [bytes] content of value v of type t, None for null."""
    if v is None:
        return None
    kind = t[0]
    if kind in ("varchar", "ascii"):
        return v.encode()
    if kind == "int":
        return struct.pack(">i", v)
    if kind in ("bigint", "counter", "timestamp", "time"):
        return struct.pack(">q", v)
    if kind == "smallint":
        return struct.pack(">h", v)
    if kind == "tinyint":
        return struct.pack(">b", v)
    if kind == "boolean":
        return b"\x01" if v else b"\x00"
    if kind == "double":
        return struct.pack(">d", v)
    if kind == "float":
        return struct.pack(">f", v)
    if kind in ("blob", "custom"):
        return v
    if kind in ("uuid", "timeuuid"):
        return v.bytes
    if kind == "inet":
        return socket.inet_pton(socket.AF_INET6 if ":" in v else socket.AF_INET, v)
    if kind == "varint":
        return varint_bytes(v)
    if kind == "decimal":
        scale, unscaled = v
        return struct.pack(">i", scale) + varint_bytes(unscaled)
    if kind == "date":
        return struct.pack(">I", (v + (1 << 31)) & 0xFFFFFFFF)
    if kind == "duration":
        months, days, nanos = v
        return vint(months) + vint(days) + vint(nanos)
    if kind in ("list", "set"):
        return w_int(len(v)) + b"".join(w_bytes(serialize(t[1], e)) for e in v)
    if kind == "map":
        return w_int(len(v)) + b"".join(
            w_bytes(serialize(t[1], k)) + w_bytes(serialize(t[2], e)) for k, e in v)
    if kind == "tuple":
        return b"".join(w_bytes(serialize(et, e)) for et, e in zip(t[1], v))
    if kind == "udt":
        return b"".join(w_bytes(serialize(ft, e)) for (_, ft), e in zip(t[3], v))
    raise ValueError("cannot serialize %r" % (t,))


# ---------------------------------------------------------------------------------------------
# What the fake node holds.

SYSTEM_COLUMNS_40 = {
    ("system", "local"): [
        ("key", TEXT), ("bootstrapped", TEXT), ("broadcast_address", INET),
        ("broadcast_port", INT), ("cluster_name", TEXT), ("cql_version", TEXT),
        ("data_center", TEXT), ("gossip_generation", INT), ("host_id", UUID),
        ("listen_address", INET), ("listen_port", INT), ("native_protocol_version", TEXT),
        ("partitioner", TEXT), ("rack", TEXT), ("release_version", TEXT), ("rpc_address", INET),
        ("rpc_port", INT), ("schema_version", UUID), ("tokens", set_of(TEXT)),
        ("truncated_at", map_of(UUID, BLOB)),
    ],
    ("system", "peers"): [
        ("peer", INET), ("data_center", TEXT), ("host_id", UUID), ("preferred_ip", INET),
        ("rack", TEXT), ("release_version", TEXT), ("rpc_address", INET),
        ("schema_version", UUID), ("tokens", set_of(TEXT)),
    ],
    ("system", "peers_v2"): [
        ("peer", INET), ("peer_port", INT), ("data_center", TEXT), ("host_id", UUID),
        ("native_address", INET), ("native_port", INT), ("preferred_ip", INET),
        ("preferred_port", INT), ("rack", TEXT), ("release_version", TEXT),
        ("schema_version", UUID), ("tokens", set_of(TEXT)),
    ],
    ("system_schema", "keyspaces"): [
        ("keyspace_name", TEXT), ("durable_writes", BOOLEAN),
        ("replication", map_of(TEXT, TEXT)),
    ],
    ("system_schema", "tables"): [
        ("keyspace_name", TEXT), ("table_name", TEXT), ("bloom_filter_fp_chance", DOUBLE),
        ("caching", map_of(TEXT, TEXT)), ("comment", TEXT), ("compaction", map_of(TEXT, TEXT)),
        ("compression", map_of(TEXT, TEXT)), ("crc_check_chance", DOUBLE),
        ("default_time_to_live", INT), ("extensions", map_of(TEXT, BLOB)),
        ("flags", set_of(TEXT)), ("gc_grace_seconds", INT), ("id", UUID),
    ],
    ("system_schema", "columns"): [
        ("keyspace_name", TEXT), ("table_name", TEXT), ("column_name", TEXT),
        ("clustering_order", TEXT), ("column_name_bytes", BLOB), ("kind", TEXT),
        ("position", INT), ("type", TEXT),
    ],
    ("system_schema", "types"): [
        ("keyspace_name", TEXT), ("type_name", TEXT), ("field_names", list_of(TEXT)),
        ("field_types", list_of(TEXT)),
    ],
    ("system_schema", "functions"): [
        ("keyspace_name", TEXT), ("function_name", TEXT), ("argument_types", list_of(TEXT)),
        ("argument_names", list_of(TEXT)), ("body", TEXT), ("called_on_null_input", BOOLEAN),
        ("language", TEXT), ("return_type", TEXT),
    ],
    ("system_schema", "aggregates"): [
        ("keyspace_name", TEXT), ("aggregate_name", TEXT), ("argument_types", list_of(TEXT)),
        ("final_func", TEXT), ("initcond", TEXT), ("return_type", TEXT), ("state_func", TEXT),
        ("state_type", TEXT),
    ],
    ("system_schema", "triggers"): [
        ("keyspace_name", TEXT), ("table_name", TEXT), ("trigger_name", TEXT),
        ("options", map_of(TEXT, TEXT)),
    ],
    ("system_schema", "indexes"): [
        ("keyspace_name", TEXT), ("table_name", TEXT), ("index_name", TEXT), ("kind", TEXT),
        ("options", map_of(TEXT, TEXT)),
    ],
    ("system_schema", "views"): [
        ("keyspace_name", TEXT), ("view_name", TEXT), ("base_table_id", UUID),
        ("base_table_name", TEXT), ("id", UUID), ("include_all_columns", BOOLEAN),
        ("where_clause", TEXT),
    ],
    ("system_virtual_schema", "keyspaces"): [("keyspace_name", TEXT)],
    ("system_virtual_schema", "tables"): [
        ("keyspace_name", TEXT), ("table_name", TEXT), ("comment", TEXT),
    ],
    ("system_virtual_schema", "columns"): [
        ("keyspace_name", TEXT), ("table_name", TEXT), ("column_name", TEXT),
        ("clustering_order", TEXT), ("column_name_bytes", BLOB), ("kind", TEXT),
        ("position", INT), ("type", TEXT),
    ],
}

# Cassandra 3.11 has no peers_v2 and no *_port columns.
SYSTEM_COLUMNS_311 = {
    k: [c for c in cols if not c[0].endswith("_port")]
    for k, cols in SYSTEM_COLUMNS_40.items()
    if k != ("system", "peers_v2") and k[0] != "system_virtual_schema"
}

SYSTEM_KEYSPACES = ["system", "system_auth", "system_distributed", "system_schema",
                    "system_traces"]

ADDRESS_UDT = ("udt", "ks", "address", [("street", TEXT), ("zip", INT)])


def all_types_columns(version):
    cols = [
        ("k", INT), ("a_ascii", ("ascii",)), ("a_bigint", ("bigint",)), ("a_blob", BLOB),
        ("a_boolean", BOOLEAN), ("a_decimal", ("decimal",)), ("a_double", DOUBLE),
        ("a_float", ("float",)), ("a_inet", INET), ("a_text", TEXT),
        ("a_timestamp", ("timestamp",)), ("a_uuid", UUID), ("a_varint", ("varint",)),
        ("a_timeuuid", ("timeuuid",)), ("a_list", list_of(TEXT)), ("a_set", set_of(INT)),
        ("a_map", map_of(TEXT, ("bigint",))), ("a_tuple", ("tuple", [INT, TEXT])),
        ("a_udt", ADDRESS_UDT), ("a_nested", list_of(map_of(TEXT, list_of(INT)))),
        ("a_custom", ("custom", "org.apache.cassandra.db.marshal.LexicalUUIDType")),
    ]
    if version >= 4:
        cols += [("a_date", ("date",)), ("a_time", ("time",)), ("a_smallint", ("smallint",)),
                 ("a_tinyint", ("tinyint",))]
    if version >= 5:
        cols += [("a_duration", ("duration",))]
    return cols


def all_types_row(version):
    row = [
        1, "ascii", -42, b"\x00\x01\xfe", True, (3, 123456789), 2.5, 1.25, "::1", "tëxt",
        1700000000123, uuid.UUID("6ab09bec-e68e-48d9-a5f8-97e6fb4c9b47"), 12345678901234567890,
        uuid.UUID("d2177dd0-eaa2-11de-a572-001b779c76e3"), ["x", "y"], [1, 2, 3],
        [("m", 7)], (9, "nine"), ("Main St", 12345), [[("a", [1, 2])]], None,
    ]
    if version >= 4:
        row += [19000, 3600 * 10**9 + 5, -7, 8]
    if version >= 5:
        row += [(1, 2, 3000000000)]
    return row


class Statement:
    def __init__(self, query, keyspace, table, bind, pk_indexes, result_cols):
        self.query = query
        self.keyspace = keyspace
        self.table = table
        self.bind = bind
        self.pk_indexes = pk_indexes
        self.result_cols = result_cols  # a callable: the table may change after PREPARE


class Node:
    """State shared by every connection of one scenario."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.lock = threading.Lock()
        self.keyspaces = set()
        self.t_columns = [("k", INT), ("v", TEXT)]
        self.data = {k: "value %d" % k for k in range(1, 6)}
        self.prepared = {}
        self.unprepared_once = set()
        self.connections = []
        self.records = []  # (direction, conn id, bytes)
        self.listing = []  # lines of the .frames file

    @property
    def release_version(self):
        return "3.11.16" if self.scenario.server == "3.11" else "4.0.11"

    def system_columns(self):
        return SYSTEM_COLUMNS_311 if self.scenario.server == "3.11" else SYSTEM_COLUMNS_40

    def local_row(self):
        v311 = self.scenario.server == "3.11"
        return {
            "key": "local", "bootstrapped": "COMPLETED", "broadcast_address": "127.0.0.1",
            "broadcast_port": 7000, "cluster_name": "cqlshift capture",
            "cql_version": "3.4.4" if v311 else "3.4.5", "data_center": "dc1",
            "gossip_generation": 1700000000, "host_id": HOST_ID,
            "listen_address": "127.0.0.1", "listen_port": 7000,
            "native_protocol_version": "4" if v311 else "5",
            "partitioner": "org.apache.cassandra.dht.Murmur3Partitioner", "rack": "rack1",
            "release_version": self.release_version, "rpc_address": "127.0.0.1",
            "rpc_port": 9042, "schema_version": SCHEMA_VERSION,
            "tokens": ["-9223372036854775808", "-3074457345618258603", "3074457345618258602"],
            "truncated_at": None,
        }

    def keyspace_rows(self, only=None):
        local = {"class": "org.apache.cassandra.locator.LocalStrategy"}
        simple = {"class": "org.apache.cassandra.locator.SimpleStrategy",
                  "replication_factor": "1"}
        rows = []
        for name in SYSTEM_KEYSPACES + sorted(self.keyspaces):
            repl = local if name in ("system", "system_schema") else simple
            rows.append({"keyspace_name": name, "durable_writes": True,
                         "replication": sorted(repl.items())})
        return [r for r in rows if only is None or r["keyspace_name"] == only]


class Scenario:
    def __init__(self, name, version, compression=None, auth=False, server="4.0", large=False,
                 metadata=True):
        self.name = name
        self.version = version
        self.compression = compression
        self.auth = auth
        self.server = server
        self.large = large
        self.metadata = metadata


SCENARIOS = [
    Scenario("python-v3", 3, server="3.11"),
    Scenario("python-v3-lz4", 3, "lz4", server="3.11"),
    Scenario("python-v3-snappy", 3, "snappy", server="3.11"),
    Scenario("python-v4", 4),
    Scenario("python-v4-lz4", 4, "lz4"),
    Scenario("python-v4-snappy", 4, "snappy"),
    Scenario("python-v4-auth", 4, auth=True, metadata=False),
    Scenario("python-v5", 5),
    Scenario("python-v5-lz4", 5, "lz4", large=True),
    Scenario("python-v5-auth", 5, auth=True, metadata=False),
]


# ---------------------------------------------------------------------------------------------
# Compression (spec section 5) and v5 segments.

def compress_body(algo, body):
    if algo == "lz4":
        return struct.pack(">I", len(body)) + lz4.block.compress(body, store_size=False)
    return snappy.compress(body)


def decompress_body(algo, body):
    if algo == "lz4":
        n = struct.unpack(">I", body[:4])[0]
        return lz4.block.decompress(body[4:], uncompressed_size=n)
    return snappy.decompress(body)


MAX_SEGMENT_PAYLOAD = 128 * 1024 - 1
CRC24_INIT = 0x875060
CRC24_POLY = 0x1974F0B
CRC32_PREFIX = b"\xfa\x2d\x55\xca"


def crc24(value, nbytes):
    crc = CRC24_INIT
    for _ in range(nbytes):
        crc ^= (value & 0xFF) << 16
        value >>= 8
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= CRC24_POLY
    return crc & 0xFFFFFF


def crc32(payload):
    return zlib.crc32(payload, zlib.crc32(CRC32_PREFIX)) & 0xFFFFFFFF


def encode_segment(payload, self_contained, lz4_on):
    """One segment: header (3 bytes, 5 with compression) + CRC24, payload, CRC32; all LE."""
    uncompressed_len = 0
    body = payload
    if lz4_on:
        packed = lz4.block.compress(payload, store_size=False)
        if len(packed) < len(payload):
            body, uncompressed_len = packed, len(payload)
        header = len(body) | (uncompressed_len << 17) | ((1 << 34) if self_contained else 0)
        hlen = 5
    else:
        header = len(body) | ((1 << 17) if self_contained else 0)
        hlen = 3
    return (header.to_bytes(hlen, "little") + crc24(header, hlen).to_bytes(3, "little") + body
            + crc32(body).to_bytes(4, "little")), len(body), uncompressed_len


def decode_segment(buf, lz4_on):
    """(payload, self_contained, consumed, wire_len, uncompressed_len) or None if incomplete."""
    hlen = 5 if lz4_on else 3
    if len(buf) < hlen + 3:
        return None
    header = int.from_bytes(buf[:hlen], "little")
    if crc24(header, hlen) != int.from_bytes(buf[hlen:hlen + 3], "little"):
        raise ValueError("segment header CRC24 mismatch")
    plen = header & MAX_SEGMENT_PAYLOAD
    if lz4_on:
        ulen = (header >> 17) & MAX_SEGMENT_PAYLOAD
        self_contained = bool((header >> 34) & 1)
    else:
        ulen = 0
        self_contained = bool((header >> 17) & 1)
    total = hlen + 3 + plen + 4
    if len(buf) < total:
        return None
    body = bytes(buf[hlen + 3:hlen + 3 + plen])
    if crc32(body) != int.from_bytes(buf[hlen + 3 + plen:total], "little"):
        raise ValueError("segment payload CRC32 mismatch")
    payload = lz4.block.decompress(body, uncompressed_size=ulen) if ulen else body
    return payload, self_contained, total, plen, ulen


# ---------------------------------------------------------------------------------------------
# Responses, built from spec section 4.2.

def col_specs(ks, table, cols, global_spec):
    out = w_string(ks) + w_string(table) if global_spec else b""
    for name, t in cols:
        if not global_spec:
            out += w_string(ks) + w_string(table)
        out += w_string(name) + w_type(t)
    return out


def rows_result(ks, table, cols, rows, *, global_spec=True, paging_state=None,
                no_metadata=False, new_metadata_id=None):
    flags = 0
    if global_spec and not no_metadata:
        flags |= 0x0001
    if paging_state is not None:
        flags |= 0x0002
    if no_metadata:
        flags |= 0x0004
    if new_metadata_id is not None:
        flags |= 0x0008
    out = w_int(2) + w_int(flags) + w_int(len(cols))
    if paging_state is not None:
        out += w_bytes(paging_state)
    if new_metadata_id is not None:
        out += w_short_bytes(new_metadata_id)
    if not no_metadata:
        out += col_specs(ks, table, cols, global_spec)
    out += w_int(len(rows))
    for row in rows:
        for (_, t), v in zip(cols, row):
            out += w_bytes(serialize(t, v))
    return out


def void_result():
    return w_int(1)


def set_keyspace_result(ks):
    return w_int(3) + w_string(ks)


def schema_change_body(change, target, ks, name=None, args=None):
    out = w_string(change) + w_string(target) + w_string(ks)
    if target != "KEYSPACE":
        out += w_string(name)
    if target in ("FUNCTION", "AGGREGATE"):
        out += w_string_list(args)
    return out


def result_metadata_id(ks, table, cols):
    return hashlib.md5(col_specs(ks, table, cols, True)).digest()


def prepared_result(version, stmt, qid):
    result_cols = stmt.result_cols()
    out = w_int(4) + w_short_bytes(qid)
    if version >= 5:
        out += w_short_bytes(result_metadata_id(stmt.keyspace, stmt.table, result_cols))
    out += w_int(0x0001 if stmt.bind else 0) + w_int(len(stmt.bind))
    if version >= 4:
        out += w_int(len(stmt.pk_indexes)) + b"".join(w_short(i) for i in stmt.pk_indexes)
    if stmt.bind:
        out += col_specs(stmt.keyspace, stmt.table, stmt.bind, True)
    if result_cols:
        out += w_int(0x0001) + w_int(len(result_cols))
        out += col_specs(stmt.keyspace, stmt.table, result_cols, True)
    else:
        out += w_int(0x0004) + w_int(0)  # Cassandra's empty result metadata: NO_METADATA
    return out


def error_body(code, message, extra=b""):
    return w_int(code) + w_string(message) + extra


class RequestError(Exception):
    def __init__(self, body):
        super().__init__("error response")
        self.body = body


def invalid(message):
    return RequestError(error_body(0x2200, message))


# ---------------------------------------------------------------------------------------------
# The fake node's connection handler.

def read_query_parameters(r, version):
    p = {"consistency": r.short()}
    flags = r.int() if version >= 5 else r.byte()
    p["flags"] = flags
    if flags & 0x01:
        values = []
        for _ in range(r.short()):
            name = r.string() if flags & 0x40 else None
            values.append((name, r.value()))
        p["values"] = values
    if flags & 0x04:
        p["page_size"] = r.int()
    if flags & 0x08:
        p["paging_state"] = r.bytes()
    if flags & 0x10:
        p["serial_consistency"] = r.short()
    if flags & 0x20:
        p["timestamp"] = r.long()
    if version >= 5 and flags & 0x80:
        p["keyspace"] = r.string()
    if version >= 5 and flags & 0x100:
        p["now_in_seconds"] = r.int()
    return p


class Connection:
    def __init__(self, node, sock, cid):
        self.node = node
        self.scenario = node.scenario
        self.version = node.scenario.version
        self.sock = sock
        self.cid = cid
        self.send_lock = threading.Lock()
        self.inbuf = bytearray()
        self.framebuf = bytearray()
        self.compression = None
        self.segments = False
        self.keyspace = None
        self.registered = set()
        self.ready = False

    def log(self, line):
        with self.node.lock:
            self.node.listing.append("%d %s" % (self.cid, line))

    # -- input -----------------------------------------------------------------------------
    def run(self):
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    break
                with self.node.lock:
                    self.node.records.append(("C", self.cid, bytes(data)))
                self.inbuf += data
                out = []
                while True:
                    frame = self.next_frame()
                    if frame is None:
                        break
                    out.extend(self.handle(*frame))
                    if self.switch_pending:
                        self.send(out)
                        out = []
                        self.segments = True
                        self.switch_pending = False
                self.send(out)
        except (ConnectionResetError, BrokenPipeError):
            pass  # the driver closed the connection at shutdown
        except Exception:
            traceback.print_exc()
            self.node.failed = True
        finally:
            self.sock.close()

    switch_pending = False

    def next_frame(self):
        if self.segments:
            while True:
                seg = decode_segment(self.inbuf, self.scenario.compression == "lz4")
                if seg is None:
                    break
                payload, self_contained, consumed, plen, ulen = seg
                del self.inbuf[:consumed]
                self.log("C SEGMENT %d %d %d" % (int(self_contained), plen, ulen))
                self.framebuf += payload
            buf = self.framebuf
        else:
            buf = self.inbuf
        if len(buf) < 9:
            return None
        version, flags, stream, op, length = struct.unpack(">BBhBi", bytes(buf[:9]))
        if len(buf) < 9 + length:
            return None
        body = bytes(buf[9:9 + length])
        del buf[:9 + length]
        if version != self.version:
            raise ValueError("client sent version byte 0x%02x" % version)
        self.log("C %d %s 0x%02x %d" % (stream, OPCODE_NAMES[op], flags, length))
        if flags & FLAG_COMPRESSION:
            if self.version >= 5 or not self.compression:
                raise ValueError("compressed frame without negotiated frame compression")
            body = decompress_body(self.compression, body)
        return flags, stream, op, body

    # -- output ----------------------------------------------------------------------------
    def frame(self, stream, op, message, *, tracing_id=None, warnings=None, custom_payload=None):
        flags = 0
        body = b""
        if tracing_id is not None:
            flags |= FLAG_TRACING
            body += tracing_id.bytes
        if warnings:
            flags |= FLAG_WARNING
            body += w_string_list(warnings)
        if custom_payload is not None:
            flags |= FLAG_CUSTOM_PAYLOAD
            body += w_bytes_map(custom_payload)
        body += message
        if self.compression and self.version < 5 and body:
            body = compress_body(self.compression, body)
            flags |= FLAG_COMPRESSION
        return (struct.pack(">BBhBi", 0x80 | self.version, flags, stream, op, len(body)) + body,
                "S %d %s 0x%02x %d" % (stream, OPCODE_NAMES[op], flags, len(body)))

    def send(self, frames):
        if not frames:
            return
        with self.send_lock:
            lines = [line for _, line in frames]
            if not self.segments:
                wire = b"".join(f for f, _ in frames)
            else:
                wire = b""
                lz4_on = self.scenario.compression == "lz4"
                group = b""
                pieces = []  # (payload, self_contained)
                for f, _ in frames:
                    if len(f) > MAX_SEGMENT_PAYLOAD:
                        if group:
                            pieces.append((group, True))
                            group = b""
                        for i in range(0, len(f), MAX_SEGMENT_PAYLOAD):
                            pieces.append((f[i:i + MAX_SEGMENT_PAYLOAD], False))
                    elif len(group) + len(f) > MAX_SEGMENT_PAYLOAD:
                        pieces.append((group, True))
                        group = f
                    else:
                        group += f
                if group:
                    pieces.append((group, True))
                for payload, self_contained in pieces:
                    seg, plen, ulen = encode_segment(payload, self_contained, lz4_on)
                    lines.append("S SEGMENT %d %d %d" % (int(self_contained), plen, ulen))
                    wire += seg
            with self.node.lock:
                self.node.records.append(("S", self.cid, wire))
                self.node.listing.extend("%d %s" % (self.cid, l) for l in lines)
            self.sock.sendall(wire)

    def push_event(self, kind, body):
        if kind in self.registered:
            self.send([self.frame(-1, OPCODES["EVENT"], w_string(kind) + body)])

    # -- requests --------------------------------------------------------------------------
    def handle(self, flags, stream, op, body):
        r = Reader(body)
        envelope = {}
        if flags & FLAG_CUSTOM_PAYLOAD:
            envelope["custom_payload"] = r.bytes_map()
        name = OPCODE_NAMES[op]
        try:
            if not self.ready and name not in ("OPTIONS", "STARTUP", "AUTH_RESPONSE"):
                raise ValueError("%s before the handshake finished" % name)
            handler = getattr(self, "on_" + name.lower())
            result = handler(r, stream, flags, envelope)
        except RequestError as e:
            result = [self.frame(stream, OPCODES["ERROR"], e.body)]
        return result

    def on_options(self, r, stream, flags, env):
        r.finish()
        v311 = self.scenario.server == "3.11"
        supported = [
            ("PROTOCOL_VERSIONS", ["3/v3", "4/v4", "5/v5-beta"] if v311
             else ["3/v3", "4/v4", "5/v5", "6/v6-beta"]),
            ("COMPRESSION", ["snappy", "lz4"]),
            ("CQL_VERSION", ["3.4.4" if v311 else "3.4.5"]),
        ]
        return [self.frame(stream, OPCODES["SUPPORTED"], w_string_multimap(supported))]

    def on_startup(self, r, stream, flags, env):
        options = dict(r.string_map())
        r.finish()
        if "CQL_VERSION" not in options:
            raise RequestError(error_body(0x000A, "CQL_VERSION is mandatory"))
        self.compression = options.get("COMPRESSION")
        if self.compression != self.scenario.compression:
            raise ValueError("driver asked for compression %r" % self.compression)
        if self.version >= 5:
            self.switch_pending = True
        if self.scenario.auth:
            return [self.frame(stream, OPCODES["AUTHENTICATE"],
                               w_string("org.apache.cassandra.auth.PasswordAuthenticator"))]
        self.ready = True
        return [self.frame(stream, OPCODES["READY"], b"")]

    def on_auth_response(self, r, stream, flags, env):
        token = r.bytes()
        r.finish()
        if token != b"\x00" + USERNAME.encode() + b"\x00" + PASSWORD.encode():
            raise RequestError(error_body(0x0100, "Provided username and/or password are "
                                                  "incorrect"))
        self.ready = True
        return [self.frame(stream, OPCODES["AUTH_SUCCESS"], w_bytes(None))]

    def on_register(self, r, stream, flags, env):
        self.registered.update(r.string_list())
        r.finish()
        return [self.frame(stream, OPCODES["READY"], b"")]

    def on_query(self, r, stream, flags, env):
        query = r.long_string()
        params = read_query_parameters(r, self.version)
        r.finish()
        return self.run_statement(stream, flags, env, query, params, None)

    def on_prepare(self, r, stream, flags, env):
        query = r.long_string()
        keyspace = None
        if self.version >= 5:
            pflags = r.int()
            if pflags & 0x01:
                keyspace = r.string()
        r.finish()
        ks = keyspace or self.keyspace
        stmt = self.analyze(query, ks)
        qid = hashlib.md5(((ks or "") + query).encode()).digest()
        with self.node.lock:
            self.node.prepared[qid] = stmt
        return [self.frame(stream, OPCODES["RESULT"], prepared_result(self.version, stmt, qid))]

    def on_execute(self, r, stream, flags, env):
        qid = r.short_bytes()
        md_id = r.short_bytes() if self.version >= 5 else None
        params = read_query_parameters(r, self.version)
        r.finish()
        with self.node.lock:
            stmt = self.node.prepared.get(qid)
            if stmt is not None and stmt.result_cols() and qid not in self.node.unprepared_once:
                # The first EXECUTE of a SELECT finds the cache empty (as after a node restart),
                # so the driver re-prepares on the same connection and retries.
                self.node.unprepared_once.add(qid)
                stmt = None
        if stmt is None:
            raise RequestError(error_body(0x2500, "Prepared query with ID %s not found"
                                          % qid.hex(), w_short_bytes(qid)))
        return self.run_statement(stream, flags, env, stmt.query, params, (stmt, md_id))

    def on_batch(self, r, stream, flags, env):
        batch_type = r.byte()
        if batch_type not in (0, 1, 2):
            raise ValueError("batch type %d" % batch_type)
        children = []
        for _ in range(r.short()):
            kind = r.byte()
            if kind == 0:
                child = r.long_string()
            elif kind == 1:
                child = r.short_bytes()
            else:
                raise ValueError("batch child kind %d" % kind)
            values = [r.value() for _ in range(r.short())]
            children.append((kind, child, values))
        r.short()  # consistency
        bflags = r.int() if self.version >= 5 else r.byte()
        if bflags & 0x10:
            r.short()
        if bflags & 0x20:
            r.long()
        if self.version >= 5 and bflags & 0x80:
            r.string()
        if self.version >= 5 and bflags & 0x100:
            r.int()
        r.finish()
        for kind, child, values in children:
            if kind == 1:
                with self.node.lock:
                    if child not in self.node.prepared:
                        raise RequestError(error_body(0x2500, "unknown id", w_short_bytes(child)))
        warnings = None
        if self.version >= 4 and batch_type == 0:
            warnings = ["Batch for [ks.t] is of size 5.125KiB, exceeding specified threshold "
                        "of 5.000KiB by 0.125KiB."]
        return [self.frame(stream, OPCODES["RESULT"], void_result(), warnings=warnings)]

    # -- statements ------------------------------------------------------------------------
    def analyze(self, query, ks):
        node = self.node
        q = query.strip()
        t_cols = lambda: [("k", INT), ("v", TEXT)]  # noqa: E731
        if re.fullmatch(r"INSERT INTO t \(k, v\) VALUES \(\?, \?\)", q):
            return Statement(q, ks, "t", [("k", INT), ("v", TEXT)], [0], list)
        if re.fullmatch(r"UPDATE t SET v = \? WHERE k = \?", q):
            return Statement(q, ks, "t", [("v", TEXT), ("k", INT)], [1], list)
        if re.fullmatch(r"SELECT k, v FROM t WHERE k = \?", q):
            return Statement(q, ks, "t", [("k", INT)], [0], t_cols)
        if re.fullmatch(r"SELECT \* FROM t WHERE k = \?", q):
            return Statement(q, ks, "t", [("k", INT)], [0], lambda: list(node.t_columns))
        raise RequestError(error_body(0x2000, "line 1:0 no viable alternative at input '%s'"
                                      % q.split(" ")[0]))

    def schema_change(self, stream, change, target, ks, name=None):
        body = schema_change_body(change, target, ks, name)
        result = [self.frame(stream, OPCODES["RESULT"], w_int(5) + body)]
        for c in list(self.node.connections):
            if c is self:
                continue  # events go out after the result, on the registered connections
            c.push_event("SCHEMA_CHANGE", body)
            if target == "TABLE" and change == "CREATED":
                c.push_event("STATUS_CHANGE", w_string("DOWN") + w_inet("10.0.0.9", 9042))
                c.push_event("TOPOLOGY_CHANGE", w_string("NEW_NODE") + w_inet("10.0.0.9", 9042))
        return result

    def run_statement(self, stream, flags, env, query, params, prepared):
        node = self.node
        v = self.version
        q = query.strip()
        resp = {}
        if flags & FLAG_TRACING:
            resp["tracing_id"] = TRACE_ID
        if env.get("custom_payload") is not None and v >= 4:
            resp["custom_payload"] = env["custom_payload"]
            resp["warnings"] = ["Echoing your custom payload"]

        def reply(message):
            return [self.frame(stream, OPCODES["RESULT"], message, **resp)]

        values = [val for _, val in params.get("values", [])]
        m = re.fullmatch(r'USE\s+"?(\w+)"?', q, re.I)
        if m:
            self.keyspace = m.group(1)
            return reply(set_keyspace_result(self.keyspace))
        m = re.match(r"CREATE KEYSPACE (IF NOT EXISTS )?(\w+)", q, re.I)
        if m:
            node.keyspaces.add(m.group(2))
            return self.schema_change(stream, "CREATED", "KEYSPACE", m.group(2))
        m = re.match(r"CREATE TABLE (IF NOT EXISTS )?(\w+)", q, re.I)
        if m:
            if m.group(2) == "t2":
                raise RequestError(error_body(0x2400, "Table ks.t2 already exists",
                                              w_string("ks") + w_string("t2")))
            return self.schema_change(stream, "CREATED", "TABLE", self.keyspace, m.group(2))
        m = re.match(r"ALTER TABLE (\w+) ADD (\w+) int", q, re.I)
        if m:
            node.t_columns.append((m.group(2), INT))
            return self.schema_change(stream, "UPDATED", "TABLE", self.keyspace, m.group(1))
        m = re.fullmatch(r"SELECT (.+?) FROM (\w+)\.(\w+)( WHERE .*)?", q, re.I | re.S)
        if m and m.group(2).startswith("system"):
            return reply(self.system_select(m.group(1), m.group(2), m.group(3), m.group(4)))
        if "write_timeout" in q:
            extra = w_short(ConsistencyLevel.QUORUM) + w_int(1) + w_int(2)
            if v >= 5:
                extra += w_string("CAS") + w_short(3)  # v5: CAS timeouts carry contentions
            else:
                extra += w_string("SIMPLE")
            raise RequestError(error_body(0x1100, "Operation timed out - received only 1 "
                                          "responses.", extra))
        if "read_timeout" in q:
            raise RequestError(error_body(0x1200, "Operation timed out - received only 0 "
                                          "responses.", w_short(ConsistencyLevel.ONE) + w_int(0)
                                          + w_int(1) + w_byte(0)))
        if "unavailable" in q:
            raise RequestError(error_body(0x1000, "Cannot achieve consistency level QUORUM",
                                          w_short(ConsistencyLevel.QUORUM) + w_int(2) + w_int(1)))
        if "read_failure" in q:
            extra = w_short(ConsistencyLevel.ONE) + w_int(0) + w_int(1)
            if v >= 5:
                extra += w_int(1) + w_inetaddr("127.0.0.1") + w_short(0x0001)  # reason map
            else:
                extra += w_int(1)
            extra += w_byte(0)
            raise RequestError(error_body(0x1300, "Operation failed - received 0 responses "
                                          "and 1 failures", extra))
        if "nosuch" in q:
            raise invalid("unconfigured table nosuch")
        if re.match(r"INSERT .* IF NOT EXISTS$", q, re.I):
            return reply(rows_result(self.keyspace, "t", [("[applied]", BOOLEAN)], [[True]]))
        if re.fullmatch(r"SELECT k, v FROM t", q):
            page = params.get("page_size", 5000)
            start = struct.unpack(">i", params["paging_state"])[0] \
                if params.get("paging_state") else 0
            keys = list(range(1, 6))
            chunk = keys[start:start + page]
            more = start + page < len(keys)
            rows = [[k, "value %d" % k] for k in chunk]
            return reply(rows_result(self.keyspace, "t", [("k", INT), ("v", TEXT)], rows,
                                     paging_state=struct.pack(">i", start + page) if more
                                     else None))
        if re.fullmatch(r"SELECT \* FROM all_types", q):
            return reply(rows_result(self.keyspace, "all_types", all_types_columns(v),
                                     [all_types_row(v)], global_spec=False))
        m = re.fullmatch(r"SELECT (k, v|\*) FROM t WHERE k = (\d+|\?)", q)
        if m:
            if m.group(2) == "?":
                if len(values) != 1 or values[0] is None or values[0] is UNSET_VALUE:
                    raise invalid("Invalid null value for partition key part k")
                k = struct.unpack(">i", values[0])[0]
            else:
                k = int(m.group(2))
            cols = [("k", INT), ("v", TEXT)] if m.group(1) == "k, v" else list(node.t_columns)
            row = {"k": k, "v": node.data.get(k)}
            rows = [[row.get(c) for c, _ in cols]] if k in node.data else []
            if prepared is not None:
                stmt, md_id = prepared
                current = result_metadata_id(stmt.keyspace, stmt.table, cols)
                if v >= 5 and md_id != current:
                    return reply(rows_result(stmt.keyspace, "t", cols, rows,
                                             new_metadata_id=current))
                if params["flags"] & 0x02:
                    return reply(rows_result(stmt.keyspace, "t", cols, rows, no_metadata=True))
            return reply(rows_result(self.keyspace, "t", cols, rows))
        if prepared is not None and prepared[0].query.startswith("INSERT"):
            if len(values) != 2:
                raise invalid("expected 2 values")
            if values[1] is not UNSET_VALUE:
                k = struct.unpack(">i", values[0])[0]
                node.data[k] = None if values[1] is None else values[1].decode()
            return reply(void_result())
        if re.match(r"(INSERT|UPDATE|DELETE) ", q, re.I):
            return reply(void_result())
        raise RequestError(error_body(0x2000, "line 1:0 no viable alternative at input '%s'"
                                      % q.split(" ")[0]))

    def system_select(self, selection, ks, table, where):
        node = self.node
        columns = node.system_columns().get((ks, table))
        if columns is None:
            raise invalid("unconfigured table %s" % table)
        if selection.strip() == "*":
            cols = columns
        else:
            by_name = dict(columns)
            names = [s.strip() for s in selection.split(",")]
            for n in names:
                if n not in by_name:
                    raise invalid("Undefined column name %s" % n)
            cols = [(n, by_name[n]) for n in names]
        rows = []
        if (ks, table) == ("system", "local"):
            rows = [node.local_row()]
        elif (ks, table) == ("system_schema", "keyspaces"):
            m = re.search(r"keyspace_name = '(\w+)'", where or "")
            rows = node.keyspace_rows(m.group(1) if m else None)
        return rows_result(ks, table, cols, [[r.get(c) for c, _ in cols] for r in rows])


class Server:
    def __init__(self, node):
        self.node = node
        node.failed = False
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.port = self.listener.getsockname()[1]
        self.threads = []
        self.stopping = False
        self.acceptor = threading.Thread(target=self.accept_loop, daemon=True)
        self.acceptor.start()

    def accept_loop(self):
        while not self.stopping:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            if self.stopping:
                sock.close()
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.node.lock:
                conn = Connection(self.node, sock, len(self.node.connections))
                self.node.connections.append(conn)
            t = threading.Thread(target=conn.run, daemon=True)
            self.threads.append(t)
            t.start()

    def stop(self):
        self.stopping = True
        try:
            socket.create_connection(("127.0.0.1", self.port)).close()
        except OSError:
            pass
        self.listener.close()
        for t in self.threads:
            t.join(10)


# ---------------------------------------------------------------------------------------------
# The application's workload.

def expect(exc_type, fn):
    try:
        fn()
    except exc_type:
        return
    raise AssertionError("expected %s" % exc_type.__name__)


def workload(session, cluster, scenario):
    v = scenario.version
    session.execute("CREATE KEYSPACE IF NOT EXISTS ks WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.set_keyspace("ks")
    session.execute("CREATE TABLE IF NOT EXISTS t (k int PRIMARY KEY, v text)")
    # The driver binds a simple statement's parameters client-side, into the query string.
    session.execute("INSERT INTO t (k, v) VALUES (%s, %s)", (1, "one"))
    applied = session.execute(SimpleStatement(
        "INSERT INTO t (k, v) VALUES (2, 'two') IF NOT EXISTS",
        consistency_level=ConsistencyLevel.QUORUM,
        serial_consistency_level=ConsistencyLevel.LOCAL_SERIAL)).one()
    assert applied[0] is True
    rows = list(session.execute(SimpleStatement("SELECT k, v FROM t", fetch_size=2)))
    assert [r.k for r in rows] == [1, 2, 3, 4, 5], rows
    all_types = session.execute("SELECT * FROM all_types").one()
    assert all_types.a_udt.zip == 12345, all_types

    ins = session.prepare("INSERT INTO t (k, v) VALUES (?, ?)")
    sel = session.prepare("SELECT * FROM t WHERE k = ?")
    upd = session.prepare("UPDATE t SET v = ? WHERE k = ?")
    session.execute(ins, (3, "three"))
    session.execute(ins, (4, None))
    if v >= 4:
        session.execute(ins.bind((5, UNSET_VALUE)))
    row = session.execute(sel, (3,)).one()  # UNPREPARED first, then re-prepared
    assert row.v == "three", row
    assert session.execute(sel, (3,)).one().v == "three"

    batch = BatchStatement(batch_type=BatchType.LOGGED)
    batch.add(ins, (6, "six"))
    batch.add(SimpleStatement("INSERT INTO t (k, v) VALUES (7, 'seven')"))
    batch.add("UPDATE t SET v = %s WHERE k = %s", ("x", 1))
    batch.add(upd, ("y", 2))
    session.execute(batch)
    unlogged = BatchStatement(batch_type=BatchType.UNLOGGED,
                              serial_consistency_level=ConsistencyLevel.SERIAL)
    unlogged.add(ins, (8, "eight"))
    unlogged.add(ins, (9, "nine"))
    session.execute(unlogged)

    traced = session.execute("SELECT k, v FROM t WHERE k = 1", trace=True)
    assert traced.response_future._query_traces, "no tracing id"
    if v >= 4:
        session.execute("SELECT k, v FROM t WHERE k = 2", custom_payload={"k1": b"v1"})

    if v >= 5:
        # Keyspace per request (v5): on QUERY and PREPARE, and on BATCH through its children.
        session.execute(SimpleStatement("SELECT k, v FROM t WHERE k = 1", keyspace="ks"))
        selk = session.prepare("SELECT k, v FROM t WHERE k = ?", keyspace="ks")
        assert session.execute(selk, (1,)).one().k == 1
        # The table changes under a prepared SELECT *: EXECUTE with the old result_metadata_id
        # gets Rows with METADATA_CHANGED, the new id and the new metadata. Driver 3.25 reads
        # them but keeps sending the old id, so the second EXECUTE gets the same answer.
        session.execute("ALTER TABLE t ADD w int")
        assert session.execute(sel, (3,)).one().w is None
        assert session.execute(sel, (3,)).one().v == "three"

    # QUERY with positional values: Session binds client-side, so drive the driver's own
    # QueryMessage encoder through the pool connection, as its internal callers do.
    host = cluster.metadata.all_hosts()[0]
    conn = session._pools[host]._connection
    msg = QueryMessage("SELECT k, v FROM t WHERE k = ?", ConsistencyLevel.ONE, fetch_size=100,
                       timestamp=1700000000000000)
    msg.query_params = [int32_pack(3)]
    result = conn.wait_for_response(msg, timeout=5)
    assert result.parsed_rows[0][1] == "three", result.parsed_rows

    if scenario.large:
        big = "0123456789abcdef" * 9000  # 144000 bytes: more than one v5 segment
        session.execute(ins, (100, big))
        assert session.execute(sel, (100,)).one().v == big

    expect(WriteTimeout, lambda: session.execute("INSERT INTO t (k, v) VALUES (99, 'write_timeout')"))
    expect(ReadTimeout, lambda: session.execute("SELECT k, v FROM t WHERE v = 'read_timeout'"))
    expect(NoHostAvailable, lambda: session.execute("SELECT k, v FROM t WHERE v = 'unavailable'"))
    expect(ReadFailure, lambda: session.execute("SELECT k, v FROM t WHERE v = 'read_failure'"))
    expect(InvalidRequest, lambda: session.execute("SELECT * FROM nosuch"))
    expect(AlreadyExists, lambda: session.execute("CREATE TABLE t2 (k int PRIMARY KEY)"))
    cluster_log = logging.getLogger("cassandra.cluster")
    cluster_log.disabled = True  # the driver logs the expected syntax error at ERROR
    try:
        expect(SyntaxException, lambda: session.prepare("SELEC oops"))
    finally:
        cluster_log.disabled = False


def run_scenario(scenario, out_dir):
    node = Node(scenario)
    server = Server(node)
    kwargs = dict(
        contact_points=["127.0.0.1"], port=server.port, protocol_version=scenario.version,
        compression=scenario.compression or False,
        execution_profiles={EXEC_PROFILE_DEFAULT: ExecutionProfile(
            load_balancing_policy=RoundRobinPolicy(), request_timeout=5)},
        idle_heartbeat_interval=0, schema_event_refresh_window=-1,
        topology_event_refresh_window=-1, status_event_refresh_window=-1,
        schema_metadata_enabled=scenario.metadata, token_metadata_enabled=scenario.metadata,
        control_connection_timeout=5, connect_timeout=5,
    )
    if scenario.auth:
        kwargs["auth_provider"] = PlainTextAuthProvider(username=USERNAME, password=PASSWORD)
    cluster = Cluster(**kwargs)
    try:
        session = cluster.connect()
        workload(session, cluster, scenario)
    finally:
        cluster.shutdown()
        server.stop()
    if node.failed:
        raise RuntimeError("the fake server rejected a request in %s" % scenario.name)
    write_capture(node, os.path.join(out_dir, scenario.name))


def write_capture(node, base):
    with open(base + ".cap", "wb") as f:
        f.write(CAPTURE_MAGIC)
        for direction, cid, data in node.records:
            f.write(direction.encode() + bytes([cid]) + struct.pack(">I", len(data)) + data)
    s = node.scenario
    with open(base + ".frames", "w") as f:
        f.write("# %s: protocol v%d, compression %s, auth %s, server %s\n"
                % (s.name, s.version, s.compression or "none", "yes" if s.auth else "no",
                   node.release_version))
        f.write("# <conn> C|S <stream> <opcode> <flags> <body length on the wire>\n")
        f.write("# <conn> C|S SEGMENT <self-contained> <payload length> <uncompressed length>\n")
        for line in node.listing:
            f.write(line + "\n")
    frames = sum(1 for l in node.listing if "SEGMENT" not in l)
    segments = len(node.listing) - frames
    size = os.path.getsize(base + ".cap")
    print("%-20s %7d bytes  %2d connections  %3d frames  %3d segments"
          % (os.path.basename(base) + ".cap", size, len(node.connections), frames, segments))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("scenarios", nargs="*", help="names (default: all)")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        stream=sys.stderr)
    wanted = set(args.scenarios)
    for scenario in SCENARIOS:
        if not wanted or scenario.name in wanted:
            run_scenario(scenario, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
