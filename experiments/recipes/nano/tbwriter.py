"""A minimal TensorBoard event-file writer (scalars only), protobuf encoded by hand.

File: a TFRecord stream. Each record: uint64 length (LE), uint32 masked CRC32C of those 8 bytes, the data,
uint32 masked CRC32C of the data. masked(crc) = ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32).
Data: an `Event` message (tensorflow/core/util/event.proto):
  Event   { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }
  Summary { repeated Value value = 1; }   Value { string tag = 1; float simple_value = 2; }
The first event carries file_version "brain.Event:2", as TensorBoard writes it.
"""
import os
import socket
import struct
import time


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    c = 0xFFFFFFFF
    for b in data:
        c = _TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def masked_crc(data):
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n):
    if n < 0:
        n += 1 << 64  # int64 negatives are 10-byte varints
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _key(field, wire):
    return _varint((field << 3) | wire)


def _len_field(field, payload):
    return _key(field, 2) + _varint(len(payload)) + payload


def encode_event(wall_time, step, file_version=None, scalars=None):
    msg = _key(1, 1) + struct.pack("<d", wall_time) + _key(2, 0) + _varint(step)
    if file_version is not None:
        msg += _len_field(3, file_version.encode())
    if scalars:
        summary = b""
        for tag, value in scalars.items():
            v = _len_field(1, tag.encode()) + _key(2, 5) + struct.pack("<f", float(value))
            summary += _len_field(1, v)
        msg += _len_field(5, summary)
    return msg


def frame(data):
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc(header)) + data + struct.pack("<I", masked_crc(data))


class EventWriter:
    def __init__(self, folder, suffix=""):
        os.makedirs(folder, exist_ok=True)
        name = "events.out.tfevents.%d.%s%s" % (int(time.time()), socket.gethostname(), suffix)
        self.path = os.path.join(folder, name)
        self.f = open(self.path, "wb")
        self.f.write(frame(encode_event(time.time(), 0, file_version="brain.Event:2")))

    def scalars(self, step, values, wall_time=None):
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            self.f.write(frame(encode_event(time.time() if wall_time is None else wall_time, step,
                                            scalars=values)))

    def close(self):
        self.f.close()


def read_events(path):
    """Reads back (wall_time, step, {tag: value}) per event, checking both CRCs (a self-test of the writer)."""
    out = []
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        header = data[pos:pos + 8]
        (n,) = struct.unpack("<Q", header)
        assert struct.unpack("<I", data[pos + 8:pos + 12])[0] == masked_crc(header), "length CRC"
        body = data[pos + 12:pos + 12 + n]
        assert struct.unpack("<I", data[pos + 12 + n:pos + 16 + n])[0] == masked_crc(body), "data CRC"
        pos += 16 + n
        out.append(_decode_event(body))
    return out


def _read_varint(b, i):
    n = shift = 0
    while True:
        x = b[i]
        i += 1
        n |= (x & 0x7F) << shift
        shift += 7
        if not x & 0x80:
            return n, i


def _fields(b):
    i = 0
    while i < len(b):
        k, i = _read_varint(b, i)
        f, w = k >> 3, k & 7
        if w == 0:
            v, i = _read_varint(b, i)
        elif w == 1:
            v, i = b[i:i + 8], i + 8
        elif w == 5:
            v, i = b[i:i + 4], i + 4
        elif w == 2:
            n, i = _read_varint(b, i)
            v, i = b[i:i + n], i + n
        else:
            raise ValueError("wire type %d" % w)
        yield f, w, v


def _decode_event(b):
    wall, step, values = 0.0, 0, {}
    for f, w, v in _fields(b):
        if f == 1:
            wall = struct.unpack("<d", v)[0]
        elif f == 2:
            step = v
        elif f == 5:
            for _, _, val in _fields(v):
                tag, x = None, None
                for vf, _, vv in _fields(val):
                    if vf == 1:
                        tag = vv.decode()
                    elif vf == 2:
                        x = struct.unpack("<f", vv)[0]
                values[tag] = x
    return wall, step, values


if __name__ == "__main__":
    assert crc32c(b"123456789") == 0xE3069283  # the CRC-32C check value
    import tempfile
    d = tempfile.mkdtemp()
    w = EventWriter(d)
    w.scalars(7, {"train/loss": 2.5, "train/lr": 1e-3})
    w.close()
    ev = read_events(w.path)
    assert ev[1][1] == 7 and abs(ev[1][2]["train/loss"] - 2.5) < 1e-7, ev
    print("ok", ev)
