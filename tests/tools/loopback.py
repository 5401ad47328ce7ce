#!/usr/bin/env python3
"""Servers on the loopback address for the tests of images read where they lie.

loopback.py http DIR PORTFILE LOG
    Serves the files of DIR over HTTP/1.1 on 127.0.0.1, a port the kernel
    picks, written to PORTFILE once the socket listens (written whole, then
    renamed: a test polls for it).  GET and HEAD, with single byte ranges
    (Range: bytes=A-B, bytes=A-) as qemu's curl driver asks; it needs
    Accept-Ranges: bytes.  Every request is a line of LOG: method, path,
    range asked, bytes sent, so a test can tell what was read and how much.

loopback.py https DIR PORTFILE LOG CERT KEY
    The same over TLS, with that certificate and key (PEM).

loopback.py activate PORTFILE -- COMMAND...
    Listens on 127.0.0.1 on a port the kernel picks, writes it to PORTFILE
    and runs COMMAND in this process with the socket as descriptor 3
    (LISTEN_FDS=1, LISTEN_PID: systemd's socket activation, which qemu-nbd
    takes), so a test needs no free port guessed and no wait for it.

Either ends by itself after LIFETIME seconds (the environment's
LOOPBACK_LIFETIME, 900 by default), or when the test kills it.
"""
import http.server
import os
import re
import signal
import socket
import ssl
import sys
import threading

LIFETIME = int(os.environ.get("LOOPBACK_LIFETIME", "900"))


def write_port(portfile, port):
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, portfile)


def http_serve(root, portfile, logfile, cert=None, key=None):
    root = os.path.realpath(root)
    log = open(logfile, "a", buffering=1)
    lock = threading.Lock()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):
            pass

        def note(self, rng, sent):
            with lock:
                log.write("%s %s %s %d\n" % (self.command, self.path,
                                             rng or "-", sent))

        def send_plain(self, code, text):
            body = text.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            self.note(None, 0)

        def do_HEAD(self):
            self.serve()

        def do_GET(self):
            self.serve()

        def serve(self):
            rel = self.path.split("?", 1)[0].lstrip("/")
            path = os.path.realpath(os.path.join(root, rel))
            if not path.startswith(root + os.sep) or not os.path.isfile(path):
                self.send_plain(404, "not found\n")
                return
            size = os.path.getsize(path)
            start, end = 0, size - 1
            rng = self.headers.get("Range")
            if rng:
                m = re.fullmatch(r"bytes=(\d+)-(\d*)", rng.strip())
                if not m or int(m.group(1)) >= size:
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % size)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    self.note(rng, 0)
                    return
                start = int(m.group(1))
                if m.group(2):
                    end = min(int(m.group(2)), size - 1)
            n = end - start + 1
            self.send_response(206 if rng else 200)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(n))
            if rng:
                self.send_header("Content-Range",
                                 "bytes %d-%d/%d" % (start, end, size))
            self.end_headers()
            sent = 0
            if self.command == "GET":
                with open(path, "rb") as f:
                    f.seek(start)
                    while sent < n:
                        chunk = f.read(min(1 << 20, n - sent))
                        if not chunk:
                            break
                        self.wfile.write(chunk)
                        sent += len(chunk)
            self.note(rng, sent)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    write_port(portfile, srv.server_address[1])
    srv.serve_forever()


def activate(portfile, argv):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    if s.fileno() != 3:
        os.dup2(s.fileno(), 3)
    os.set_inheritable(3, True)
    write_port(portfile, s.getsockname()[1])
    env = dict(os.environ, LISTEN_FDS="1", LISTEN_PID=str(os.getpid()))
    os.execvpe(argv[0], argv, env)


def main():
    a = sys.argv[1:]
    # the test's kill, or the end of its lifetime, whichever is first
    signal.signal(signal.SIGALRM, lambda *_: os._exit(0))
    signal.alarm(LIFETIME)
    if len(a) == 4 and a[0] == "http":
        http_serve(a[1], a[2], a[3])
    elif len(a) == 6 and a[0] == "https":
        http_serve(a[1], a[2], a[3], a[4], a[5])
    elif len(a) >= 4 and a[0] == "activate" and a[2] == "--":
        activate(a[1], a[3:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
