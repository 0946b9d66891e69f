"""A TCP proxy on 127.0.0.1 that tests cut off and restore, to stage a database outage.

`TcpProxy(target_port)` forwards every connection to 127.0.0.1:target_port.
`cut()` closes every connection and refuses new ones (the database is down);
`hang()` keeps accepting but forwards nothing (a database that never answers);
`restore()` forwards again. Connections cut or hung stay dead, as they would
after a real outage: clients must reconnect.
"""

import socket
import threading


class TcpProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.mode = "forward"  # or "hang"
        self.lock = threading.Lock()
        self.sockets = []
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                if self.closed:
                    return
                continue
            with self.lock:
                refuse = self.mode == "refuse"
                self.sockets.append(client)
            if refuse:
                self._close(client)
                continue
            if self.mode == "hang":
                continue  # accepted, never answered
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                self._close(client)
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.append(upstream)
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source, sink):
        try:
            while data := source.recv(65536):
                if self.mode == "refuse":
                    break
                if self.mode == "forward":
                    sink.sendall(data)
                # "hang": swallowed; the other side waits for an answer that never comes
        except OSError:
            pass
        finally:
            self._close(source)
            self._close(sink)

    def _close(self, sock):
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        sock.close()

    def _drop_all(self):
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            self._close(sock)

    def cut(self):
        """Close every connection; new ones are accepted and closed at once (like a stopped server)."""
        self.mode = "refuse"
        self._drop_all()

    def hang(self):
        """Stop forwarding: open connections and new ones get no answer at all."""
        self.mode = "hang"

    def restore(self):
        """Forward again (connections that were hung are closed: clients reconnect)."""
        self._drop_all()
        self.mode = "forward"

    def close(self):
        self.closed = True
        self.listener.close()
        self._drop_all()

    def url(self, database_url):
        """`database_url` (PostgreSQL, on 127.0.0.1) reached through this proxy instead."""
        return database_url.replace(f"127.0.0.1:{self.target[1]}", f"127.0.0.1:{self.port}")
