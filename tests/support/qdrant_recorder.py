"""A recording stand-in for a Qdrant server's REST API: just enough to create collections and payload indexes,
for tests that check what docsight asks a server (cluster layout, API key) without a Qdrant binary."""

from __future__ import annotations

import json
import re
import socket

from tests.support.http_server import LoopbackServer, QuietHandler


class QdrantRecorder(LoopbackServer):
    """``with QdrantRecorder() as server:`` -> ``server.url``; ``server.requests``: (method, path, headers, body)."""

    def __init__(self, drop_first: dict[tuple[str, str], int] | None = None) -> None:
        """:param drop_first: ``{(method, path_suffix): n}``: close the connection without an answer for the first
        ``n`` such requests, as a server that restarts mid-request does (e.g. ``("PUT", "/collections/c/points")``)."""
        self.drop_first = dict(drop_first or {})
        self.requests: list[tuple[str, str, dict, dict | None]] = []
        self.collections: dict[str, dict] = {}
        super().__init__()

    def created(self, name: str) -> dict:
        return next(b for m, p, _, b in self.requests if m == "PUT" and p == f"/collections/{name}")

    def _dropped(self, method: str, path: str) -> bool:
        for (drop_method, suffix), left in self.drop_first.items():
            if left and method == drop_method and path.split("?")[0].endswith(suffix):
                self.drop_first[(drop_method, suffix)] = left - 1
                return True
        return False

    def _answer(self, method: str, path: str, body: dict | None) -> object:
        path = path.split("?")[0]
        if path == "/":
            return {"title": "qdrant - vector search engine", "version": "1.19.0"}
        match = re.fullmatch(r"/collections/([^/]+)(/.*)?", path)
        if path == "/collections":
            return {"collections": [{"name": n} for n in self.collections]}
        if match is None:
            return True
        name, rest = match.group(1), match.group(2) or ""
        if rest == "/exists":
            return {"exists": name in self.collections}
        if rest == "" and method == "PUT":
            self.collections[name] = body or {}
            return True
        if rest == "/index" and method == "PUT" and body:  # a payload index: listed in the collection's info
            indexes = self.collections.setdefault(name, {}).setdefault("_indexes", {})
            indexes[body["field_name"]] = {"data_type": body["field_schema"], "points": 0}
            return {"operation_id": 0, "status": "completed"}
        if rest == "" and method == "GET":
            return _collection_info(self.collections.get(name, {}))
        if rest == "/points" and method == "POST":
            return []  # retrieve: nothing stored
        if rest == "/points/query":
            return {"points": []}
        if rest == "/points/query/batch":
            return [{"points": []} for _ in (body or {}).get("searches", [])]
        if rest.startswith("/points/count"):
            return {"count": 0}
        if rest.startswith("/points/scroll"):
            return {"points": [], "next_page_offset": None}
        return {"operation_id": 0, "status": "completed"}

    def _handler(self):
        server = self

        class Handler(QuietHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                server.requests.append((self.command, self.path, dict(self.headers), body))
                if server._dropped(self.command, self.path):
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                answer = server._answer(self.command, self.path, body)
                envelope = answer if self.path == "/" else {"result": answer, "status": "ok", "time": 0}
                data = json.dumps(envelope)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data.encode())

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _handle

        return Handler


def _collection_info(config: dict) -> dict:
    return {
        "status": "green",
        "optimizer_status": "ok",
        "points_count": 0,
        "segments_count": 1,
        "config": {
            "params": {
                "vectors": config.get("vectors", {}),
                "sparse_vectors": config.get("sparse_vectors"),
                "shard_number": config.get("shard_number", 1),
                "replication_factor": config.get("replication_factor", 1),
                "write_consistency_factor": config.get("write_consistency_factor", 1),
            },
            "hnsw_config": {"m": 16, "ef_construct": 100, "full_scan_threshold": 10000},
            "optimizer_config": {
                "deleted_threshold": 0.2,
                "vacuum_min_vector_number": 1000,
                "default_segment_number": 0,
                "flush_interval_sec": 5,
            },
            "wal_config": {"wal_capacity_mb": 32, "wal_segments_ahead": 0},
        },
        "payload_schema": config.get("_indexes", {}),
    }
