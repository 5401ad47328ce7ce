#!/usr/bin/env python3
"""Power-loss crash states of a recorded run (test tool).

After ALICE (Pillai et al., OSDI 2014) and CrashMonkey (Mohan et al., OSDI
2018): a run is recorded by tests/fault/recshim.so (TLSHIVE_RECORD), and
from the record this builds the states a power cut at any point could
leave on disk, then has each one checked.

  powercut.py RECORD BASE RUNDIR CHECK [--max N] [--seed S]

RECORD  the recorder's file (RECORD.data beside it holds the bytes)
BASE    a copy of RUNDIR as it was before the run
RUNDIR  the directory the run worked in (the record's paths are in it;
        anything outside it is ignored)
CHECK   a command run as CHECK RUNDIR for each state, which is written
        into RUNDIR in place (files keep their inodes): it prints one
        line describing the state ("SYSTEM=old SOFTWARE=new", ...) and
        exits non-zero if the state is wrong

The model, per file (an inode, followed through renames): what the last
fsync before the cut made durable is there; of the writes and truncations
since, any subset is there, in program order, and each write may be torn
at 512-byte sectors (any subset of its sectors).  Names (creations,
renames, unlinks) are durable once their directory is fsynced; before
that, any prefix of a directory's name changes since its last fsync is
there.  Every cut point is taken; at each, the two extremes (nothing
since the last fsyncs, everything), each pending write alone and all but
it (six of them where more are pending), and then states drawn at random
(--seed, default 1, printed) until --max distinct states in all.  States
that come out byte-identical are checked once.

Prints one line per outcome with its count, then a summary line; exit 1
if any state failed its check.
"""
import hashlib, os, random, subprocess, sys

SECTOR = 512


def parse(record, data):
    ops = []
    with open(record) as f:
        for ln in f:
            p = ln.split()
            if not p:
                continue
            if '?' in p[1:]:
                sys.exit('powercut: a path the recorder could not name: ' + ln)
            k = p[0]
            if k == 'W':
                off, n, at = int(p[2]), int(p[3]), int(p[4])
                data.seek(at)
                ops.append(('W', p[1], off, data.read(n)))
            elif k == 'T':
                ops.append(('T', p[1], int(p[2])))
            elif k in 'SDCU':
                ops.append((k, p[1]))
            elif k == 'R':
                ops.append(('R', p[1], p[2]))
            else:
                sys.exit('powercut: unknown record line: ' + ln)
    return ops


def apply_content(buf, op):
    if op[0] == 'W':
        _, off, d = op
        if len(buf) < off:
            buf.extend(b'\0' * (off - len(buf)))
        buf[off:off + len(d)] = d
    else:
        n = op[1]
        if n < len(buf):
            del buf[n:]
        else:
            buf.extend(b'\0' * (n - len(buf)))


def torn(op, rng):
    """A write cut at sectors: the sectors kept, as smaller writes."""
    _, off, d = op
    pieces, start = [], off
    while start < off + len(d):
        end = min((start // SECTOR + 1) * SECTOR, off + len(d))
        pieces.append(('W', start, d[start - off:end - off]))
        start = end
    if len(pieces) < 2:
        return [op] if rng.random() < 0.5 else []
    return [p for p in pieces if rng.random() < 0.5]


class Sim:
    """The run replayed up to a cut: durable and pending, per inode and dir."""

    def __init__(self, base, rundir):
        self.rundir = rundir.rstrip('/')
        self.durable = {}     # inode -> bytes
        self.pending = {}     # inode -> [ops]
        self.names = {}       # durable: relative name -> inode
        self.cur = {}         # latest: relative name -> inode
        self.dirops = {}      # dir -> [name ops since its last fsync]
        self.dirs = []
        self.next = 0
        for root, ds, fs in os.walk(base):
            rel = os.path.relpath(root, base)
            for d in ds:
                self.dirs.append(os.path.normpath(os.path.join(rel, d)))
            for f in fs:
                name = os.path.normpath(os.path.join(rel, f))
                with open(os.path.join(root, f), 'rb') as fh:
                    ino = self.new_inode(fh.read())
                self.names[name] = self.cur[name] = ino

    def new_inode(self, content=b''):
        self.next += 1
        self.durable[self.next] = bytes(content)
        self.pending[self.next] = []
        return self.next

    def rel(self, path):
        if path == self.rundir or not path.startswith(self.rundir + '/'):
            return None
        return path[len(self.rundir) + 1:]

    def step(self, op):
        k = op[0]
        name = self.rel(op[1])
        if k == 'R':
            a, b = name, self.rel(op[2])
            if a is None or b is None or a not in self.cur:
                return
            ino = self.cur.pop(a)
            self.cur[b] = ino
            self.dirops.setdefault(os.path.dirname(a), []).append(('R', a, b, ino))
            if os.path.dirname(b) != os.path.dirname(a):
                self.dirops.setdefault(os.path.dirname(b), []).append(('R', a, b, ino))
            return
        if name is None and k != 'D':
            return
        if k == 'W' or k == 'T':
            ino = self.cur.get(name)
            if ino is not None:
                self.pending[ino].append(op[:1] + op[2:])
        elif k == 'S':
            ino = self.cur.get(name)
            if ino is not None:
                buf = bytearray(self.durable[ino])
                for o in self.pending[ino]:
                    apply_content(buf, o)
                self.durable[ino] = bytes(buf)
                self.pending[ino] = []
        elif k == 'C':
            ino = self.new_inode()
            self.cur[name] = ino
            self.dirops.setdefault(os.path.dirname(name), []).append(('C', name, ino))
        elif k == 'U':
            if name in self.cur:
                ino = self.cur.pop(name)
                self.dirops.setdefault(os.path.dirname(name), []).append(('U', name, ino))
        elif k == 'D':
            d = '' if op[1] == self.rundir else self.rel(op[1])
            if d is None:
                return
            d = os.path.normpath(d) if d else ''
            key = '' if d == '.' else d
            for o in self.dirops.pop(key, []):
                name_op(self.names, o, key)

    def choices(self):
        """What may or may not have reached the disk at this cut."""
        return ([(d, len(v)) for d, v in sorted(self.dirops.items()) if v],
                [(i, len(v)) for i, v in sorted(self.pending.items()) if v])

    def state(self, dirpick, inopick, rng, tear):
        """Names and contents for one choice: each file as its durable
        bytes and the pending operations that reached the disk (a disk
        image is not copied for every state, only written for those
        checked)."""
        names = dict(self.names)
        for d, n in dirpick:
            for o in self.dirops[d][:n]:
                name_op(names, o, d)
        out = {}
        for name, ino in names.items():
            ops = []
            mask = inopick.get(ino, 0)
            for j, o in enumerate(self.pending[ino]):
                if mask >> j & 1:
                    ops.extend(torn(o, rng) if tear and o[0] == 'W' and rng.random() < 0.5 else [o])
            out[name] = (self.durable[ino], tuple(ops))
        return out


def name_op(names, o, d):
    """One name change made durable in directory d."""
    if o[0] == 'C':
        names[o[1]] = o[2]
    elif o[0] == 'U':
        names.pop(o[1], None)
    elif o[0] == 'R':
        _, a, b, ino = o
        # a rename across directories: each side as its directory has it
        if os.path.dirname(a) == d and names.get(a) == ino:
            del names[a]
        if os.path.dirname(b) == d:
            names[b] = ino


def main():
    args = sys.argv[1:]
    opts = {'--max': '200', '--seed': '1'}
    while len(args) > 4:
        opts[args[-2]] = args[-1]
        args = args[:-2]
    if len(args) != 4:
        sys.exit(__doc__)
    record, base, rundir, check = args
    limit, seed = int(opts['--max']), int(opts['--seed'])
    rng = random.Random(seed)
    with open(record + '.data', 'rb') as data:
        ops = parse(record, data)

    # the cut points: before the first op and after each one
    sims, sim = [], Sim(base, os.path.abspath(rundir))
    picks = []
    for k in range(len(ops) + 1):
        if k:
            sim.step(ops[k - 1])
        dirs, inos = sim.choices()
        none = ([(d, 0) for d, _ in dirs], {})
        every = ([(d, n) for d, n in dirs], {i: (1 << n) - 1 for i, n in inos})
        picks.append((k, sim.state(none[0], none[1], rng, False)))
        picks.append((k, sim.state(every[0], every[1], rng, False)))
        # each pending write alone, and all but it: the reorderings a
        # missing fsync allows, found without luck
        # (of many, six drawn: a run of image blocks between two fsyncs)
        for i, n in inos:
            for j in (range(n) if n <= 6 else sorted(rng.sample(range(n), 6))):
                for m in (1 << j, ((1 << n) - 1) & ~(1 << j)):
                    ip = dict(every[1])
                    ip[i] = m
                    picks.append((k, sim.state(every[0], ip, rng, False)))
        sims.append((k, dirs, inos, snapshot(sim)))

    states = {}
    for k, st in picks:
        states.setdefault(digest(st), (k, st))
    # then at random: a cut, a prefix of each directory's name changes,
    # a subset of each file's pending writes, some of them torn
    tries = 0
    while len(states) < limit and tries < 50 * limit:
        tries += 1
        k, dirs, inos, s = rng.choice(sims)
        if not dirs and not inos:
            continue
        dp = [(d, rng.randint(0, n)) for d, n in dirs]
        ip = {i: rng.getrandbits(n) for i, n in inos}
        st = s.state(dp, ip, rng, True)
        states.setdefault(digest(st), (k, st))

    tally, failed = {}, 0
    d = os.path.abspath(rundir)
    for h, (k, st) in sorted(states.items(), key=lambda x: x[1][0]):
        for sub in sims[0][3].dirs:
            os.makedirs(os.path.join(d, sub), exist_ok=True)
        for name, (content, done) in st.items():
            p = os.path.join(d, name)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            # in place: a file keeps its inode, as a power cut
            # leaves it (a disk image's journal names its inode)
            fd = os.open(p, os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                os.pwrite(fd, content, 0)
                os.truncate(fd, len(content))
                for o in done:
                    if o[0] == 'W':
                        os.pwrite(fd, o[2], o[1])
                    else:
                        os.truncate(fd, o[1])
            finally:
                os.close(fd)
        for name in set(present(d)) - set(st):
            os.unlink(os.path.join(d, name))
        r = subprocess.run([check, d], capture_output=True, text=True)
        line = r.stdout.strip() or '(nothing)'
        if r.returncode != 0:
            failed += 1
            line = 'FAILED after op %d of %d: %s %s' % (k, len(ops), line,
                                                      r.stderr.strip()[:500])
            print(line, file=sys.stderr)
        tally[line if r.returncode == 0 else 'FAILED'] = \
            tally.get(line if r.returncode == 0 else 'FAILED', 0) + 1
    for line, n in sorted(tally.items()):
        print('%6d  %s' % (n, line))
    print('powercut: %d ops, %d cut points, %d distinct states checked '
          '(seed %d), %d failed' % (len(ops), len(ops) + 1, len(states), seed,
                                    failed))
    sys.exit(1 if failed else 0)


def present(d):
    for root, _, fs in os.walk(d):
        for f in fs:
            yield os.path.relpath(os.path.join(root, f), d)


def snapshot(sim):
    """A frozen copy of the simulation at this cut."""
    s = Sim.__new__(Sim)
    s.rundir, s.next, s.dirs = sim.rundir, sim.next, sim.dirs
    s.durable = dict(sim.durable)
    s.pending = {i: list(v) for i, v in sim.pending.items()}
    s.names, s.cur = dict(sim.names), dict(sim.cur)
    s.dirops = {d: list(v) for d, v in sim.dirops.items()}
    return s


_sums = {}


def digest(st):
    """The state's identity: names, each file's durable bytes (hashed once
    for each version) and the operations on them."""
    h = hashlib.sha256()
    for name in sorted(st):
        content, ops = st[name]
        key = id(content)
        if key not in _sums:
            _sums[key] = (content, hashlib.sha256(content).digest())
        h.update(name.encode() + b'\0' + _sums[key][1])
        for o in ops:
            h.update(repr(o[:2]).encode())
            if o[0] == 'W':
                h.update(hashlib.sha256(o[2]).digest())
    return h.hexdigest()


if __name__ == '__main__':
    main()
