"""An ssh ProxyCommand that drops the connection: relays stdin/stdout to
HOST:PORT and exits, closing both ways at once, after LIMIT bytes went
towards the server; a network cable pulled mid-upload, reproducibly.

    ProxyCommand=python3 cutproxy.py %h %p LIMIT"""

import os
import select
import socket
import sys

CHUNK_BYTES = 64 * 1024


def main():
    host, port, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    upstream = socket.create_connection((host, port))
    sent = 0
    while True:
        readable, _, _ = select.select([0, upstream], [], [])
        if 0 in readable:
            data = os.read(0, min(CHUNK_BYTES, limit - sent))
            if not data:
                upstream.shutdown(socket.SHUT_WR)
            else:
                upstream.sendall(data)
                sent += len(data)
                if sent >= limit:
                    os._exit(0)  # the cut: no goodbye to either side
        if upstream in readable:
            data = upstream.recv(CHUNK_BYTES)
            if not data:
                return
            os.write(1, data)


if __name__ == "__main__":
    main()
