"""The chat benchmark's clients: one process of many, on gevent, driven over stdin and stdout.

    python -c "from gevent import monkey; monkey.patch_all(); import bench.chat_clients as c; c.main()"

Each process gets its share of the receivers (one signed-in member each, over WebSocket)
and, in the first process, the sender. The conversation with bench/bench_chat.py, one JSON
line each way at a time:

1. in: the spec (servers, cookies, which receivers are this process's, whether it sends);
2. out: once its receivers have joined the room and the presence changes their joins set
   off have stopped arriving: how long that took;
3. in: `{"start": t}`, a time on the machine's monotonic clock, which every process shares;
4. the sender sends `rate` messages a second from `start`; everyone notes when each arrives;
5. out: the arrivals and the sends, for bench_chat.py to pool.

The sender is python-socketio's own client, acknowledgements and all. The receivers speak
just enough Engine.IO 4 and Socket.IO 5 over websocket-client (`Receiver`): python-socketio's
client spent about 0.2 ms of CPU on each message it received, so 100 receivers at 50
messages/s took a whole CPU of this 2-CPU machine and the clients, not the server, set the
latency (the bare server's p99 was 340 ms). A receiver here reads a frame, answers pings,
and looks for the message's client_id without decoding the rest. The receivers are spread
over one process a CPU for the same reason.
"""

from __future__ import annotations

import json
import re
import resource
import sys
import time

NAMESPACE = "/chat"
_CLIENT_ID = re.compile(r'"client_id":\s*"([^"]*)"')


class Receiver:
    """One member in the room over a bare WebSocket: connects to /chat, joins, then notes
    when each message sent by this measurement (`label-<n>`) arrives."""

    def __init__(self, url: str, cookie: str, label: str, on_presence):
        self.url, self.cookie, self.label, self.on_presence = url, cookie, label, on_presence
        self.arrivals: list[tuple[int, float]] = []
        self.connected = False
        self.ws = None

    def open(self, room: str, seconds: float) -> None:
        import websocket

        address = "ws" + self.url[len("http") :] + "/socket.io/?EIO=4&transport=websocket"
        self.ws = websocket.create_connection(
            address,
            timeout=seconds,
            header=[f"Cookie: {self.cookie}"],
            origin=self.url,
            skip_utf8_validation=True,
        )
        if not self.ws.recv().startswith("0"):  # Engine.IO's open packet
            raise RuntimeError("no Engine.IO handshake")
        self.ws.send(f"40{NAMESPACE},")
        self._until(f"40{NAMESPACE},", refused=f"44{NAMESPACE},")
        self.ws.send(f'42{NAMESPACE},1["join",{json.dumps({"room": room})}]')
        answer = json.loads(self._until(f"43{NAMESPACE},1")[len(f"43{NAMESPACE},1") :])[0]
        if not answer.get("ok"):
            raise RuntimeError(f"join refused: {answer}")
        self.ws.settimeout(None)
        self.connected = True

    def _until(self, prefix: str, refused: str = "") -> str:
        while True:
            frame = self.ws.recv()
            if refused and frame.startswith(refused):
                raise RuntimeError(f"refused: {frame[:200]}")
            if frame.startswith(prefix):
                return frame
            self._handle(frame)

    def _handle(self, frame: str) -> None:
        if frame == "2":  # Engine.IO's ping
            self.ws.send("3")
        elif frame.startswith(f'42{NAMESPACE},["message"'):
            arrived = time.monotonic()
            found = _CLIENT_ID.search(frame)
            if found and found.group(1).startswith(self.label + "-"):
                self.arrivals.append((int(found.group(1).rpartition("-")[2]), arrived))
        elif frame.startswith(f'42{NAMESPACE},["presence"'):
            self.on_presence()

    def listen(self) -> None:
        try:
            while True:
                self._handle(self.ws.recv())
        except Exception:  # closed, by the server or by close()
            self.connected = False

    def close(self) -> None:
        try:
            self.ws.close()
        except Exception:
            pass


def _client(url: str, cookie: str):
    import socketio

    client = socketio.Client(reconnection=False)
    return client, lambda: client.connect(
        url, headers={"Cookie": cookie}, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=60
    )


def _join(client, room: str, seconds: float) -> None:
    answer = client.call("join", {"room": room}, namespace=NAMESPACE, timeout=seconds)
    if not answer or not answer.get("ok"):
        raise RuntimeError(f"join refused: {answer}")


def run(spec: dict, commands, answer) -> None:
    import gevent
    from gevent.pool import Pool

    room, label, settle_max = spec["room"], spec["label"], spec["settle_max"]
    presence = {"last": time.monotonic(), "count": 0}
    failures: list[str] = []

    def on_presence() -> None:
        presence["last"] = time.monotonic()
        presence["count"] += 1

    def receiver(index: int) -> Receiver | None:
        url = spec["urls"][index % len(spec["urls"])]
        member = Receiver(url, spec["cookies"][index], label, on_presence)
        try:
            member.open(room, settle_max)
        except Exception as error:  # counted: a receiver that never joined loses every message
            failures.append(f"{type(error).__name__}: {error}"[:200])
            member.close()
            return None
        gevent.spawn(member.listen)
        return member

    # Every receiver joins, or is given up on, within settle_max; then the presence changes
    # the joins set off must stop arriving, within as long again.
    began = time.monotonic()
    pool = Pool(spec["joins_at_once"])
    jobs = [pool.spawn(receiver, index) for index in spec["mine"]]
    gevent.joinall(jobs, timeout=settle_max)
    pool.kill(block=False)
    receivers = [job.value for job in jobs if job.ready() and job.value is not None]
    failed = len(jobs) - len(receivers)
    joined = time.monotonic() - began
    while time.monotonic() - presence["last"] < 0.5 and time.monotonic() - began < 2 * settle_max:
        gevent.sleep(0.1)
    sender = None
    if spec["sends"]:
        sender, connect = _client(spec["urls"][0], spec["sender_cookie"])
        connect()
        _join(sender, room, 120)
    answer(
        {
            "join_s": joined,
            "settle_s": time.monotonic() - began,
            "presence": presence["count"],
            "failed_joins": failed,
            "first_failure": failures[0] if failures else None,
        }
    )

    start, total, rate = json.loads(commands.readline())["start"], spec["total"], spec["rate"]
    usage_before = resource.getrusage(resource.RUSAGE_SELF)
    sent: list[float] = []
    refused: list = []
    if sender is not None:

        def acknowledged(ack) -> None:
            if not ack or not ack.get("ok"):
                refused.append(ack)

        for n in range(total):
            gevent.sleep(max(0.0, start + n / rate - time.monotonic()))
            sent.append(time.monotonic())
            payload = {"room": room, "body": f"Message {n} of the benchmark", "client_id": f"{label}-{n}"}
            sender.emit("send", payload, namespace=NAMESPACE, callback=acknowledged)
    deadline = start + total / rate + spec["drain"]
    while time.monotonic() < deadline and any(len(member.arrivals) < total for member in receivers):
        gevent.sleep(0.05)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    answer(
        {
            # A receiver that never joined received nothing.
            "arrivals": [member.arrivals for member in receivers] + [[] for _ in range(failed)],
            "sent": sent,
            "refused": refused,
            "dropped": sum(not member.connected for member in receivers),
            "cpu": usage.ru_utime + usage.ru_stime - usage_before.ru_utime - usage_before.ru_stime,
        }
    )
    for member in receivers:
        member.close()
    if sender is not None:
        sender.disconnect()


def main() -> None:
    def answer(item: dict) -> None:
        sys.stdout.write(json.dumps(item) + "\n")
        sys.stdout.flush()

    run(json.loads(sys.stdin.readline()), sys.stdin, answer)
