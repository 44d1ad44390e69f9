#!/usr/bin/env python3
"""A first web server, from raw TCP sockets: the student's starting point.

In the spirit of the lab's seed: it listens on a TCP port, reads one request, answers GET with
the file (200) or with 404, names the file's type (Content-Type), and closes the connection.
Everything else a real server does is left for you to add; docs/LAB.md says in what order.

The submission contract: PORT (default 8080) is the port, SITE_ROOT (default ./site) the folder
served. It listens on all addresses, so that the grader can reach it inside Docker, unless HOST
names one (the grader's process mode asks for 127.0.0.1).
"""
import mimetypes
import os
import socket
import urllib.parse

PORT = int(os.environ.get("PORT") or "8080")
HOST = os.environ.get("HOST") or "0.0.0.0"
SITE_ROOT = os.path.realpath(os.environ.get("SITE_ROOT") or "site")

MAX_HEAD_BYTES = 64 * 1024  # a request head longer than this is not read any further
READ_TIMEOUT_S = 10  # a client that sends nothing for this long is dropped

REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 501: "Not Implemented"}


def main():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((HOST, PORT))
    server.listen(16)
    print(f"HTTP Server running at http://127.0.0.1:{PORT}", flush=True)
    while True:
        client, address = server.accept()
        print("Connection from", address, flush=True)
        with client:
            client.settimeout(READ_TIMEOUT_S)
            try:
                handle(client)
            except OSError:
                pass  # the client left or was too slow: on to the next one


def handle(client):
    head = read_head(client)
    if not head:
        return  # connected and left without sending a request
    request_line = head.split(b"\n", 1)[0].rstrip(b"\r").decode("latin-1")
    parts = request_line.split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        return reply(client, 400, b"Bad Request\n", "text/plain")
    method, target, _version = parts
    if method != "GET":
        return reply(client, 501, b"Not Implemented\n", "text/plain")
    path = file_for(target)
    if path is None:
        return reply(client, 404, b"Not Found\n", "text/plain")
    with open(path, "rb") as file:
        body = file.read()
    content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
    reply(client, 200, body, content_type)


def read_head(client):
    """The bytes of the request up to the empty line that ends its head (or all there was)."""
    data = b""
    while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < MAX_HEAD_BYTES:
        chunk = client.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def file_for(target):
    """The file a target names inside SITE_ROOT, or None: never a file outside it."""
    path = urllib.parse.unquote(target.split("?", 1)[0])
    if path.endswith("/"):
        path += "index.html"
    try:
        full = os.path.realpath(os.path.join(SITE_ROOT, path.lstrip("/")))
    except ValueError:  # a NUL byte in the path
        return None
    if not full.startswith(SITE_ROOT + os.sep) or not os.path.isfile(full):
        return None
    return full


def reply(client, status, body, content_type):
    head = (
        f"HTTP/1.1 {status} {REASONS[status]}\r\n"
        f"Content-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: close\r\n"
        "\r\n"
    )
    client.sendall(head.encode("latin-1") + body)


if __name__ == "__main__":
    main()
