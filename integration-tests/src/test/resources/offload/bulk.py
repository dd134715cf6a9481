#!/usr/bin/env python3
"""Bulk TCP transfers that print what they moved, for the offload tests.

  bulk.py receive PORT                   accept one connection on [::]:PORT, read it to the end
  bulk.py send HOST PORT BYTES SEED      connect and send BYTES pseudo-random bytes (from SEED)
  bulk.py serve PORT BYTES SEED          accept one connection, send BYTES bytes, close
  bulk.py fetch HOST PORT                connect and read to the end

Servers print "listening" once they accept connections. Each side prints "<bytes> <sha256>" of
what it sent or received when done.
"""
import hashlib
import random
import socket
import sys


def listener(port):
    server = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    server.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("::", port))
    server.listen(1)
    print("listening", flush=True)
    connection, _ = server.accept()
    server.close()
    return connection


def payload(size, seed):
    return random.Random(seed).randbytes(size)


def send_all(connection, data):
    connection.sendall(data)
    connection.shutdown(socket.SHUT_WR)
    # Wait for the far side to close: every byte was then received.
    while connection.recv(65536):
        pass
    connection.close()
    print(len(data), hashlib.sha256(data).hexdigest(), flush=True)


def receive_all(connection):
    digest = hashlib.sha256()
    total = 0
    while True:
        chunk = connection.recv(1 << 20)
        if not chunk:
            break
        digest.update(chunk)
        total += len(chunk)
    connection.close()
    print(total, digest.hexdigest(), flush=True)


def main(argv):
    command = argv[1]
    if command == "receive":
        receive_all(listener(int(argv[2])))
    elif command == "send":
        send_all(socket.create_connection((argv[2], int(argv[3])), timeout=60), payload(int(argv[4]), int(argv[5])))
    elif command == "serve":
        send_all(listener(int(argv[2])), payload(int(argv[3]), int(argv[4])))
    elif command == "fetch":
        receive_all(socket.create_connection((argv[2], int(argv[3])), timeout=60))
    else:
        sys.exit("unknown command " + command)


if __name__ == "__main__":
    main(sys.argv)
