#!/usr/bin/env python3
"""Hostile guests against xvsd itself, on the simulated hypervisor.

Run by tests/sim/test-xvsd-hostile.sh (which says what it needs).  One
xvsd ([xen] xenif = sim:DIR, one bridge hb0 without host port or uplink,
fdb-max 512) serves:

    dom2 <-> dom3   the victims: xvs-simfront generators sending 64-byte
                    frames to each other at a fixed pace, the whole run
    dom4            a bystander sink (static FDB entry): where attackers
                    send their frames, so that nothing is flooded to the
                    victims
    dom5            a sender that feeds the RX attackers (f) and (g)
    dom10..         one attacker per attack, attached with vif-attach,
                    detached after it

Attacks (the letters of issue 7): (a) req_prod far past the ring; (b)
frames of 19, 20, 21 and 1000 slots; (c) offset + size past the page,
zero sizes, a first slot smaller than the rest, a GSO extra of size 0;
(d) a bad grant reference, one revoked in the middle of a frame within
the bytes xvsd copies at once, one revoked after them (it fails when the
receiver's copy reads it: counted on the sender all the same); (e)
an event storm of 10^6 notifications; (f) a guest that never posts RX
buffers while dom5 sends to it; (g) one that keeps exactly one RX slot
free while dom5 sends frames needing 17 (XSA-392); (h) headers split over
18 one-byte slots (XSA-423/432); (i) a flood of random source MACs (FDB
exhaustion); (j) forged source MACs, IPv4 and IPv6 addresses on a port
with mac-locked=1 and ips=.  Frame attacks are repeated at ATTACK_FPS for the whole window
(xvs-simfront --repeat): an attacker that stops after one frame proves
little about throughput.

Checked for every attack: xvsd stays up and answers; the attacker's vif
ends where it should (fatal with the named reason, a log line and its
counter, or connected with the frames dropped and counted, or carrier off
with rx_stalls and a log line); the victims' and the bystander's vifs stay
connected without errors; the victims' throughput stays within
THROUGHPUT_TOLERANCE (see below); xvsd's memory stays bounded.

Throughput.  The victims' throughput is the frames delivered into their
rings (vif-show rx_frames of vif2.0 + vif3.0) per second of a window.
The victims are paced: first they run flat out to measure what xvsd can
carry right now (the capacity: the lower of two half-second windows),
then they are restarted offering VICTIM_SHARE of it (split over both
directions; a token bucket of 100 ms: a shorter stall -- the machine's
scheduling -- is made up, what is longer is lost).  Windows
alternate -- baseline (no attacker, or the attacker frozen with SIGSTOP),
attack, baseline, attack, ..., baseline -- and every attack window (the
first one starts with the attack) is compared with the mean of the
baselines just before and after it, in the same run, interleaved:
    ratio = fps(attack) / mean(fps(baseline before), fps(after)) >= 0.90
Why paced: this machine has 2 cores shared with other jobs (load 10+), so
flat-out throughput moves by +-25 % from one second to the next (measured:
adjacent 1 s windows 0.76..1.13 of each other), with or without an
attacker, and normalising by xvsd's CPU time does not help (xvsd's cost
per frame is mostly wakeups, which depend on the scheduling).  A paced
load is delivered exactly (adjacent windows within 1 %) as long as xvsd
keeps up, so a ratio under 0.90 means the attacker took more than the
headroom left to the victims, or stalled them -- spinning, a livelock,
head-of-line blocking, unfair scheduling -- which is what containment
must prevent.  The flip side: an attacker costing xvsd less than that
headroom (here 85 % of what xvsd could do) does not show in the ratio;
xvsd's CPU share in both windows is printed to show what each attack
costs.  (With 25 % the suite failed now and then in `make -j2 check`
next to other tests on a machine at load 15: the baselines could not
hold the pace either.)  A ratio under the bound counts when the two
baselines held the pace (>= PACE_HELD of it): the attack fails.  If they
did not, the machine was too busy for the numbers to mean anything, and
they are measured again (fresh windows, the attacker still at it), up to
RETRIES times; if no baseline pair ever held, the test fails saying so.
An attack whose ratio alone failed is run again from scratch, up to
ATTACK_TRIES times (Suite.attack): a stall of the machine does not repeat,
damage does.
To keep other jobs on the machine from deciding the numbers, the test
runs its processes at nice NICE relative to its own (as root).
Memory: VmRSS after the victims attached (the base), at the end of every
attack window, after every detach, and xvsd's VmHWM at the end; asserted:
HWM <= base + MEM_PEAK_MB, RSS at the end <= base + MEM_LEAK_MB.  What may
legitimately come and go: an RX attacker's backlog (rx-queue-bytes, 1 MiB,
frames and their bookkeeping) and the mappings of up to two attacker
domains (2.3 MB each in the sim); memory the allocator keeps after the
backlog is freed stays counted in VmRSS.  Measured: +1 to +3 MB at the
peak, +0.1 to +2 MB at the end.  Under AddressSanitizer
(--enable-sanitizers) freed memory sits in ASan's quarantine (16 MB for
xvsd unless ASAN_OPTIONS sets it) and every allocation carries redzones,
so the bounds are wider there.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

TOP = os.environ.get("TOP", os.getcwd())
SIMBIN = os.environ.get("SIMBIN", os.path.join(TOP, "tests/sim"))
XVSD = os.environ.get("XVSD", os.path.join(TOP, "daemon/xvsd"))
KEEP = os.environ.get("KEEP")               # directory to copy the run into
RELEASE_WAIT_S = 5                          # for xvsd to let go of a detached, dead guest
ONLY = os.environ.get("HOSTILE_ONLY")       # debugging: attacks whose label has this

BR = "hb0"
FDB_MAX = 512
RXQ_BYTES = 1 << 20
WINDOW_S = float(os.environ.get("HOSTILE_WINDOW", "1.0"))
ATTACK_FPS = 20000                          # frame attackers and dom5
STORM_KICKS = 1000000
VICTIM_SHARE = 0.15                         # of the capacity measured at the start
THROUGHPUT_TOLERANCE = 0.10
# HOSTILE_RATIOS=report: print the throughput ratios, do not assert them
# (the sanitizer run: ASan makes an attack's one-off work -- a disconnect,
# an unmap -- many times dearer than the victims' steady path, so the ratio
# measures the instrumentation; the plain `make check` run asserts them).
RATIOS_ASSERTED = os.environ.get("HOSTILE_RATIOS", "assert") != "report"
PACE_HELD = 0.95                            # baselines this close to the pace: valid
NICE = -5                                   # the test's processes vs. other jobs
RETRIES = 3
ATTACK_TRIES = 3                            # whole runs of an attack (Suite.attack)
MEM_PEAK_MB = 8
MEM_LEAK_MB = 4
ASAN_QUARANTINE_MB = 16
ASAN_MEM_PEAK_MB = 48
ASAN_MEM_LEAK_MB = 24
GUEST_LIFE_S = 200                          # every guest exits by itself after this

VICTIMS = ("vif2.0", "vif3.0")


def mac_of(domid):
    return "00:16:3e:5c:%02x:%02x" % (domid >> 8, domid & 255)


class RatioFail(Exception):
    """The victims' throughput ratio alone was under the bound."""


class Fail(Exception):
    pass


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def asan_build():
    """xvsd built with -fsanitize=address (libasan linked, or static)?"""
    with open(XVSD, "rb") as f:
        return b"__asan_init" in f.read()


class Xvsd:
    def __init__(self, d):
        self.dir = d
        self.sock = os.path.join(d, "xvsd.sock")
        self.log = os.path.join(d, "xvsd.err")
        conf = os.path.join(d, "xvs.conf")
        with open(conf, "w") as f:
            f.write("[global]\nlog-level = info\n"
                    "[xen]\nxenif = sim:%s\nxenstore = no\nrx-queue-bytes = %d\n"
                    "rx-stall-timeout = 1\nrx-drain-timeout = 2\n"
                    "[bridge %s]\nhost-port = no\nfdb-max = %d\n"
                    % (d, RXQ_BYTES, BR, FDB_MAX))
        self.err = open(self.log, "w")
        env = dict(os.environ)
        self.asan = asan_build()
        if self.asan and "quarantine_size_mb" not in env.get("ASAN_OPTIONS", ""):
            env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=%d"
                                   % ASAN_QUARANTINE_MB).lstrip(":")
        self.proc = subprocess.Popen([XVSD, "-f", "-c", conf, "--control", self.sock,
                                      "--log-target=stderr"], stdout=subprocess.DEVNULL,
                                     stderr=self.err, env=env)
        for _ in range(200):
            if self.proc.poll() is not None:
                raise Fail("xvsd did not start: " + self.log_text())
            try:
                self.ctl("version")
                return
            except OSError:
                time.sleep(0.05)
        raise Fail("xvsd's control socket did not answer in 10 s")

    def log_text(self):
        with open(self.log, errors="replace") as f:
            return f.read()

    def ctl(self, cmd, *args, ok=True):
        """One request on the control socket; the result, or the error text."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(10)
        try:
            s.connect(self.sock)
            s.sendall((json.dumps({"command": cmd, "args": list(args)}) + "\n").encode())
            buf = b""
            while not buf.endswith(b"\n"):
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                buf += chunk
        finally:
            s.close()
        r = json.loads(buf)
        if ok and not r["ok"]:
            raise Fail("xvsctl %s %s: %s" % (cmd, " ".join(args), r["error"]))
        return r["result"] if r["ok"] else r["error"]

    def alive(self):
        check(self.proc.poll() is None, "xvsd died (exit %s): %s"
              % (self.proc.returncode, self.log_text()[-2000:]))
        check(self.ctl("version"), "xvsd does not answer")

    def cpu_ns(self):
        """CPU time of every thread of xvsd, in ns (schedstat: exact, not ticks)."""
        tot = 0
        tdir = "/proc/%d/task" % self.proc.pid
        for t in os.listdir(tdir):
            with open(os.path.join(tdir, t, "schedstat")) as f:
                tot += int(f.read().split()[0])
        return tot

    def mem_kb(self):
        m = {}
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                k, _, v = line.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    m[k] = int(v.split()[0])
        return m

    def holdings(self):
        """What xvsd holds of the guests: its mappings of sim guest memory
        (the ring pages and the domains' memory and grant tables: real Xen's
        grant mappings) and its eventfds (bound event channels)."""
        with open("/proc/%d/maps" % self.proc.pid) as f:
            maps = sum(1 for line in f if "memfd:xsim-" in line)
        fdd = "/proc/%d/fd" % self.proc.pid
        evs = 0
        for n in os.listdir(fdd):
            try:
                evs += os.readlink(os.path.join(fdd, n)) == "anon_inode:[eventfd]"
            except OSError:
                pass                    # closed meanwhile
        return {"guest memory maps": maps, "eventfds": evs}

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise Fail("xvsd still running 10 s after SIGTERM")
        self.err.close()
        return self.proc.returncode


class Guest:
    """An xvs-simfront process: one sim domain with one netfront."""
    all = []

    def __init__(self, d, domid, *args):
        self.domid = domid
        self.mac = mac_of(domid)
        self.info = os.path.join(d, "dom%d.vif0" % domid)
        self.out = os.path.join(d, "g%d.out" % domid)
        self.errf = os.path.join(d, "g%d.err" % domid)
        self.vif = "vif%d.0" % domid
        self.result = None
        with open(self.out, "w") as o, open(self.errf, "w") as e:
            self.proc = subprocess.Popen(
                [os.path.join(SIMBIN, "xvs-simfront"), "--dir", d, "--domid", str(domid),
                 "--duration", str(GUEST_LIFE_S)] + [str(a) for a in args],
                stdout=o, stderr=e)
        Guest.all.append(self)
        for _ in range(200):
            if os.path.exists(self.info):
                return
            check(self.proc.poll() is None, "guest dom%d exited: %s" % (domid, self.err()))
            time.sleep(0.02)
        raise Fail("guest dom%d wrote no info file in 4 s" % domid)

    def err(self):
        with open(self.errf, errors="replace") as f:
            return f.read()

    def keys(self):
        kv = {}
        with open(self.info) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                kv[k] = v
        return kv

    def attach(self, xvsd, *opts):
        k = self.keys()
        feats = ["%s=%s" % (n, k[n]) for n in (
            "feature-sg", "feature-gso-tcpv4", "feature-gso-tcpv6",
            "feature-ipv6-csum-offload", "feature-no-csum-offload", "feature-rx-notify",
            "request-multicast-control")]
        r = xvsd.ctl("vif-attach", BR, str(self.domid), k["devid"], k["tx-ring-ref"],
                     k["rx-ring-ref"], k["event-channel"], "mac=" + self.mac, *feats, *opts)
        check(r["state"] == "connected", "vif-attach dom%d: %s" % (self.domid, r))
        return r

    def pause(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGSTOP)

    def resume(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)

    def stop(self, sig=signal.SIGTERM):
        """Stop it and return its JSON counters (printed on exit)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.send_signal(signal.SIGCONT)
        try:
            self.proc.wait(30)      # a loaded machine can take seconds to unmap
        except subprocess.TimeoutExpired:
            try:
                with open("/proc/%d/status" % self.proc.pid) as f:
                    state = [l.strip() for l in f if l.startswith(("State", "SigPnd", "ShdPnd"))]
                with open("/proc/%d/wchan" % self.proc.pid) as f:
                    state.append(f.read())
            except OSError:
                state = []
            self.proc.kill()
            self.proc.wait()
            raise Fail("guest dom%d did not exit in 30 s (%s)" % (self.domid, state))
        with open(self.out) as f:
            lines = f.read().strip().splitlines()
        self.result = json.loads(lines[-1]) if lines else {}
        return self.result

    @classmethod
    def kill_all(cls):
        for g in cls.all:
            if g.proc.poll() is None:
                g.proc.kill()
            g.proc.wait()


def vif(xvsd, name):
    r = xvsd.ctl("vif-show", name)
    return r[0]


def port_drops(xvsd, name):
    r = xvsd.ctl("port-stats", BR, name)
    p = r[0] if isinstance(r, list) else r
    return p.get("drops", {})


class Meter:
    """Victim throughput and xvsd CPU over windows."""

    def __init__(self, xvsd):
        self.xvsd = xvsd

    def sample(self):
        v = self.xvsd.ctl("vif-show")
        n = sum(x["stats"]["rx_frames"] for x in v if x["name"] in VICTIMS)
        return time.monotonic(), n, self.xvsd.cpu_ns()

    def window(self, secs=WINDOW_S, until=None):
        """Measure for secs (or until until() is true, at most 4 * secs)."""
        t0, n0, c0 = self.sample()
        end = t0 + secs
        while True:
            time.sleep(0.05)
            now = time.monotonic()
            if until is None and now >= end:
                break
            if until is not None and (until() or now >= t0 + 20 * secs):
                break
        t1, n1, c1 = self.sample()
        return {"fps": (n1 - n0) / (t1 - t0), "secs": t1 - t0,
                "xvsd_cpu": (c1 - c0) / 1e9 / (t1 - t0)}


def fmt(w):
    return "%.0f fps (xvsd %.0f%% cpu)" % (w["fps"], 100 * w["xvsd_cpu"])


class Suite:
    def __init__(self, d):
        self.dir = d
        self.xvsd = Xvsd(d)
        self.meter = Meter(self.xvsd)
        self.next_dom = 10
        self.results = []
        self.mem = []
        self.start = time.monotonic()
        self.base_win = None
        self.log_seen = 0

    # ---- set-up ----
    def start_victims(self, *pace):
        x = self.xvsd
        self.g2 = Guest(self.dir, 2, "--gen", "--bench", "--size", 64, "--count", 10**12,
                        "--dst", mac_of(3), "--from", mac_of(3), *pace)
        self.g3 = Guest(self.dir, 3, "--gen", "--bench", "--size", 64, "--count", 10**12,
                        "--dst", mac_of(2), "--from", mac_of(2), *pace)
        self.g2.attach(x)
        self.g3.attach(x)

    def victims(self):
        x = self.xvsd
        self.g4 = Guest(self.dir, 4, "--bench")
        self.g4.attach(x)
        x.ctl("fdb-add", BR, "vif4.0", mac_of(4))
        # flat out: what xvsd carries now (the lower of two windows: the
        # machine's load comes and goes)
        self.start_victims()
        time.sleep(0.3)
        cap = min((self.meter.window(0.5) for _ in range(2)), key=lambda w: w["fps"])
        check(cap["fps"] > 1000, "victims: only %.0f frames/s flat out" % cap["fps"])
        for g in (self.g2, self.g3):
            g.stop()
            x.ctl("vif-detach", g.vif)
        self.offered = int(cap["fps"] * VICTIM_SHARE)
        self.start_victims("--rate", self.offered // 2)
        time.sleep(0.5)
        w = self.meter.window()
        self.mem_base = x.mem_kb()["VmRSS"]
        print("ok - victims dom2 <-> dom3: capacity %s flat out; offered %d fps (%d%%), "
              "delivered %s; xvsd VmRSS %d kB" % (fmt(cap), self.offered,
                                                  100 * VICTIM_SHARE, fmt(w), self.mem_base),
              flush=True)

    def new_dom(self):
        self.next_dom += 1
        return self.next_dom - 1

    # ---- checks shared by every attack ----
    def log_since(self):
        text = self.xvsd.log_text()
        new = text[self.log_seen:]
        self.log_seen = len(text)
        return new

    def check_others(self, what):
        for name in VICTIMS + ("vif4.0",):
            v = vif(self.xvsd, name)
            s = v["stats"]
            check(v["state"] == "connected" and v["link_up"] and not v["carrier_stalled"],
                  "%s: bystander %s is %s (link %s)" % (what, name, v["state"], v["link_up"]))
            check(s["fatal"] == 0 and s["tx_copy_errors"] == 0 and s["rx_stalls"] == 0
                  and s["rx_copy_errors"] == 0,
                  "%s: bystander %s has errors: %s" % (what, name, s))

    # ---- one attack ----
    def attack(self, label, *args, **kw):
        """One attack (attack_once), run again from scratch -- a fresh
        attacker domain, fresh windows -- when only its throughput ratio
        failed, up to ATTACK_TRIES times.  Damage the attack does to the
        victims is there in every run; a stall of this shared machine that
        fell on one attack window is not (seen at load 10-17: a different
        attack each time, ratios 0.6-0.9, every one passing when rerun)."""
        for attempt in range(1, ATTACK_TRIES + 1):
            try:
                return self.attack_once(label, *args, **kw)
            except RatioFail as e:
                if attempt == ATTACK_TRIES:
                    raise Fail("%s (in each of %d runs of the attack)" % (e, ATTACK_TRIES))
                print("    %s; the attack again (%d of %d)" % (e, attempt + 1, ATTACK_TRIES),
                      flush=True)

    def attack_once(self, label, start, verify, until=None, attach_opts=(),
                    static_mac=False):
        """start(dom) -> list of guests; verify(dom, info) checks the outcome."""
        x = self.xvsd
        if ONLY and ONLY not in label:
            return
        if self.base_win is None:
            self.base_win = self.meter.window()
        dom = self.new_dom()
        by0 = vif(x, "vif4.0")["stats"]
        T = [time.monotonic()]
        guests = start(dom)
        T.append(time.monotonic())
        atk = guests[0]
        held0 = x.holdings()
        atk.attach(x, *attach_opts)
        if static_mac:
            x.ctl("fdb-add", BR, atk.vif, atk.mac)
        for g in guests[1:]:
            g.attach(x)
        T.append(time.monotonic())
        tries = []
        for attempt in range(1 + RETRIES):
            if attempt:
                self.base_win = self.meter.window()
                for g in guests:
                    g.resume()
            a = self.meter.window(until=until if attempt == 0 else None)
            mem = x.mem_kb()
            x.alive()
            # the baseline after: the attacker (and its feeder) frozen
            for g in guests:
                g.pause()
            b = self.meter.window()
            base = {k: (self.base_win[k] + b[k]) / 2 for k in ("fps", "xvsd_cpu")}
            ratio = a["fps"] / base["fps"]
            held = min(self.base_win["fps"], b["fps"]) >= PACE_HELD * self.offered
            if os.environ.get("HOSTILE_DEBUG"):
                print("    try %d: before %.0f attack %.0f after %.0f (offered %d) held %s"
                      % (attempt, self.base_win["fps"], a["fps"], b["fps"], self.offered, held))
            tries.append((ratio, a, base, mem))
            self.base_win = b
            # Measured again only if the baselines themselves lost the pace:
            # then the machine, not the attacker, decided the numbers.  If
            # they held it and the attack window did not, that is the answer
            # (a retry would measure the aftermath of a damage that came at
            # the onset).
            if ratio >= 1 - THROUGHPUT_TOLERANCE or held:
                break
        T.append(time.monotonic())
        ratio, a, base, mem = tries[-1]
        check(ratio >= 1 - THROUGHPUT_TOLERANCE or held or not RATIOS_ASSERTED,
              "%s: the machine is too busy to measure: the victims' baselines did not hold "
              "their pace (%d fps) in %d tries: %s" % (label, self.offered, len(tries),
                                                      fmt(base)))
        # The attacker (and its feeder) frozen, xvsd has finished what was
        # on the rings: read the outcome, counters and what was sent match.
        by1 = vif(x, "vif4.0")["stats"]
        info = {"vif": vif(x, atk.vif), "drops": port_drops(x, atk.vif),
                "log": self.log_since(), "guests": guests, "suite": self,
                "bystander": {k: by1[k] - by0[k] for k in ("rx_frames", "rx_bytes")}}
        for g in guests:
            g.stop()
        verify(dom, info)
        self.check_others(label)
        for g in guests:
            x.ctl("vif-detach", g.vif)
        x.alive()
        # The attackers are gone and detached: xvsd holds no mapping and no
        # event channel of theirs (what it holds is the victims' again).
        end = time.monotonic() + RELEASE_WAIT_S
        while x.holdings() != held0 and time.monotonic() < end:
            time.sleep(0.05)
        check(x.holdings() == held0, "%s: after the detach xvsd holds %s, before the attach %s"
              % (label, x.holdings(), held0))
        T.append(time.monotonic())
        if os.environ.get("HOSTILE_DEBUG"):
            print("    timing: start %.2f attach %.2f measure %.2f finish %.2f" % tuple(
                T[i + 1] - T[i] for i in range(4)))
        after = x.mem_kb()
        self.mem.append((label, mem, after))
        line = ("%-18s victims without %s, with %s: ratio %.3f%s; "
                "xvsd VmRSS %d kB during, %d kB after" % (
                    label, fmt(base), fmt(a), ratio,
                    "" if len(tries) == 1 else " (measured %d times: %s)" % (
                        len(tries), ", ".join("%.3f" % t[0] for t in tries)),
                    mem["VmRSS"], after["VmRSS"]))
        self.results.append((label, ratio, len(tries)))
        if RATIOS_ASSERTED or ratio >= 1 - THROUGHPUT_TOLERANCE:
            if ratio < 1 - THROUGHPUT_TOLERANCE:
                raise RatioFail("%s: victims lost more than %d%% of their throughput: %s"
                                % (label, 100 * THROUGHPUT_TOLERANCE, line))
            print("ok - " + line, flush=True)
        else:
            print("info - ratio not asserted (HOSTILE_RATIOS=report): " + line, flush=True)

    def elapsed(self):
        return time.monotonic() - self.start


# ---- expectations ----

def nothing_delivered(dom, info):
    by = info["bystander"]
    check(by["rx_frames"] == 0, "dom%d: %d of the attacker's frames reached the bystander"
          % (dom, by["rx_frames"]))


def expect_fatal(reason):
    def verify(dom, info):
        nothing_delivered(dom, info)
        v = info["vif"]
        check(v["state"] == "fatal", "dom%d: vif is %s, want fatal (%s)"
              % (dom, v["state"], reason))
        check(v.get("fatal_reason") == reason, "dom%d: fatal reason '%s', want '%s'"
              % (dom, v.get("fatal_reason"), reason))
        check(v["stats"]["fatal"] == 1, "dom%d: fatal counter %d" % (dom, v["stats"]["fatal"]))
        check(not v["link_up"], "dom%d: link still up after fatal" % dom)
        want = "vif vif%d.0: guest dom%d broke the protocol (%s)" % (dom, dom, reason)
        check(want in info["log"], "dom%d: no log line '%s'" % (dom, want))
    return verify


def expect_dropped(counter, log=None, minimum=2):
    """Connected, the frames dropped and counted (tx_drop.<counter> or a stat)."""
    def verify(dom, info):
        nothing_delivered(dom, info)
        v = info["vif"]
        s = v["stats"]
        check(v["state"] == "connected", "dom%d: vif is %s, want connected" % (dom, v["state"]))
        n = s["tx_drop"].get(counter, s.get(counter, 0))
        check(n >= minimum, "dom%d: counter %s is %d" % (dom, counter, n))
        sent = info["guests"][0].result.get("evil_sent", 0)
        check(sent >= minimum, "dom%d: attacker sent only %d frames" % (dom, sent))
        if log:
            check(log % {"dom": dom} in info["log"], "dom%d: no log line '%s'"
                  % (dom, log % {"dom": dom}))
    return verify


def expect_forwarded(length):
    """A strange but legal frame: accepted, switched, and delivered whole
    to the bystander (as many frames, of the right length), nothing
    dropped."""
    def verify(dom, info):
        v = info["vif"]
        s = v["stats"]
        by = info["bystander"]
        sent = info["guests"][0].result.get("evil_sent", 0)
        check(v["state"] == "connected", "dom%d: vif is %s" % (dom, v["state"]))
        # frozen between putting a frame on the ring and publishing it: one less
        check(sent >= 2 and sent - 1 <= s["tx_frames"] <= sent,
              "dom%d: %d sent, %d accepted" % (dom, sent, s["tx_frames"]))
        check(sum(s["tx_drop"].values()) == 0 and s["tx_copy_errors"] == 0,
              "dom%d: drops %s" % (dom, s))
        check(by["rx_frames"] == s["tx_frames"] and by["rx_bytes"] == length * by["rx_frames"],
              "dom%d: %d frames of %d bytes accepted, the bystander got %d frames, %d bytes"
              % (dom, s["tx_frames"], length, by["rx_frames"], by["rx_bytes"]))
    return verify


def main():
    # Every process of the test (xvsd, victims, attackers alike) a little
    # ahead of the machine's other jobs, so that their load moves the
    # numbers less; needs root, else the test runs at its given priority.
    try:
        os.setpriority(os.PRIO_PROCESS, 0, os.getpriority(os.PRIO_PROCESS, 0) + NICE)
    except OSError as e:
        print("    (running at the inherited priority: %s)" % e)
    d = tempfile.mkdtemp(prefix="xvs-hostile.")
    os.environ["XVS_SIM_DIR"] = d
    suite = None
    rc = 1
    try:
        suite = Suite(d)
        run(suite)
        rc = 0
    except Fail as e:
        print("FAIL: %s" % e, flush=True)
    finally:
        Guest.kill_all()
        if suite:
            try:
                code = suite.xvsd.stop()
                if rc == 0 and code != 0:
                    print("FAIL: xvsd exited %d on SIGTERM" % code)
                    rc = 1
            except Fail as e:
                print("FAIL: %s" % e)
                rc = 1
            if rc == 0:
                log = suite.xvsd.log_text()
                bad = [l for l in log.splitlines()
                       if "Sanitizer" in l or "runtime error" in l]
                if bad:
                    print("FAIL: xvsd log: %s" % bad[:3])
                    rc = 1
        if KEEP:
            subprocess.call(["rm", "-rf", KEEP])
            subprocess.call(["cp", "-r", d, KEEP])
        subprocess.call(["rm", "-rf", d])
    sys.exit(rc)


def run(s):
    d = s.dir
    x = s.xvsd
    s.victims()
    dst = ["--dst", mac_of(4)]
    rep = ["--repeat", "--rate", ATTACK_FPS, "--bench"]

    def evil(mode, *more):
        return lambda dom: [Guest(d, dom, "--evil", mode, *dst, *more)]

    # (a) req_prod far past the ring
    s.attack("(a) prod-jump", evil("prod-jump"), expect_fatal("impossible_requests"))
    # (b) 19 slots: accepted; 20, 21: dropped; 1000: fatal
    s.attack("(b) slots:19", evil("slots:19", *rep), expect_forwarded(60 + 18))
    for n in (20, 21):
        s.attack("(b) slots:%d" % n, evil("slots:%d" % n, *rep),
                 expect_dropped("too_many_slots",
                                "vif vif%(dom)d.0: dropped a frame from dom%(dom)d: "
                                "too_many_slots"))
    s.attack("(b) slots:1000", evil("slots:1000"), expect_fatal("fatal_tx_slots"))
    # (c) offset + size past the page, zero sizes, first slot smaller, GSO size 0
    s.attack("(c) bad-offset", evil("bad-offset"), expect_fatal("cross_page"))
    s.attack("(c) zero-size", evil("zero-size", *rep), expect_dropped("runt"))
    s.attack("(c) zero-frags", evil("zero-frags", *rep), expect_forwarded(100))
    s.attack("(c) first-smaller", evil("first-smaller", *rep),
             expect_dropped("size_mismatch"))
    s.attack("(c) gso-zero", evil("gso-zero"), expect_fatal("gso_size_zero"))
    # (d) bad and revoked grant references, also mid-frame
    s.attack("(d) bad-gref", evil("bad-gref", *rep),
             expect_dropped("tx_copy_errors", "vif vif%(dom)d.0: tx grant copy failed"))
    s.attack("(d) revoked-mid", evil("revoked-mid", *rep),
             expect_dropped("tx_copy_errors", "vif vif%(dom)d.0: tx grant copy failed"))
    s.attack("(d) revoked-late", evil("revoked-late", *rep), expect_revoked_late)
    # (e) event storm
    storm = {}

    def start_storm(dom):
        g = Guest(d, dom, "--evil", "storm:%d" % STORM_KICKS)
        storm["g"] = g
        return [g]
    s.attack("(e) storm", start_storm, expect_storm,
             until=lambda: storm["g"].proc.poll() is not None)
    # (f) never posts RX buffers while dom5 sends to it
    s.attack("(f) no-rx", rx_attacker(s, "--rx-buffers", "0"), expect_rx_stall,
             static_mac=True)
    # (g) exactly one RX slot free, frames need 17 (XSA-392)
    s.attack("(g) one-slot", rx_attacker(s, "--rx-buffers", "1", gso=True),
             expect_rx_stall, static_mac=True)
    # (h) headers split over 18 one-byte slots (XSA-423/432)
    s.attack("(h) tiny-head", evil("tiny-head", *rep), expect_forwarded(118))
    # (i) random source MACs: the FDB fills, the victims keep their entries
    s.attack("(i) random-mac", lambda dom: [Guest(d, dom, "--gen", "--evil", "random-mac",
                                                  "--rate", ATTACK_FPS, *dst,
                                                  "--count", 10**9)],
             expect_fdb_fair)
    # (j) forged source MAC (a victim's) and forged source IP
    s.attack("(j) forged-mac", lambda dom: [Guest(d, dom, "--gen", "--rate", ATTACK_FPS,
                                                  "--forge-mac", mac_of(2), *dst,
                                                  "--count", 10**9)],
             expect_spoof("spoof_mac"), attach_opts=("mac-locked=1",))
    s.attack("(j) forged-ip", lambda dom: [Guest(d, dom, "--gen", "--rate", ATTACK_FPS,
                                                 "--src-ip", "10.0.0.2", *dst,
                                                 "--count", 10**9)],
             expect_spoof("spoof_ip"), attach_opts=("mac-locked=1", "ips=10.0.0.66"))
    s.attack("(j) forged-ip6", lambda dom: [Guest(d, dom, "--gen", "--rate", ATTACK_FPS,
                                                  "--src-ip", "2001:db8::2", *dst,
                                                  "--count", 10**9)],
             expect_spoof("spoof_ip"),
             attach_opts=("mac-locked=1", "ips=10.0.0.66,2001:db8::66"))
    # ARP poisoning: its own Ethernet source, the victim's MAC as sender
    s.attack("(j) forged-arp", lambda dom: [Guest(d, dom, "--gen", "--rate", ATTACK_FPS,
                                                  "--src-ip", "10.0.0.66",
                                                  "--arp-sha", mac_of(2), *dst,
                                                  "--count", 10**9)],
             expect_spoof("spoof_mac"), attach_opts=("mac-locked=1", "ips=10.0.0.66"))
    # a rogue DHCP server (DHCPv4 from port 67, DHCPv6 from port 547)
    s.attack("(j) dhcp-server", lambda dom: [Guest(d, dom, "--gen", "--rate", ATTACK_FPS,
                                                   "--src-ip", "10.0.0.66", "--udp-sport", 67,
                                                   *dst, "--count", 10**9)],
             expect_spoof("dhcp_guard"), attach_opts=("mac-locked=1", "ips=10.0.0.66"))
    s.attack("(j) dhcp6-server", lambda dom: [Guest(d, dom, "--gen", "--rate", ATTACK_FPS,
                                                    "--src-ip", "2001:db8::66",
                                                    "--udp-sport", 547, *dst,
                                                    "--count", 10**9)],
             expect_spoof("dhcp_guard"), attach_opts=("mac-locked=1", "ips=2001:db8::66"))
    policy_sanity(s, "10.0.0.67")
    policy_sanity(s, "2001:db8::67")
    bad_options(s)
    memory(s)
    # Not asserted (no timed assertions in tests): about 70 s on an idle
    # 2-core machine, windows and guest start-up being most of it.
    print("all xvsd hostile tests passed in %.0f s%s" % (
        s.elapsed(), " (HOSTILE_ONLY=%s: only those attacks)" % ONLY if ONLY else ""))


def expect_revoked_late(dom, info):
    """The revoked middle fails when xvsd copies the frame in whole at TX
    time (NETBACK_TX_COPY_BYTES; "tx grant copy failed") or, for a frame
    switched with grant fragments, only when the bystander's output copies
    it ("a grant of a frame ... went bad", the bystander's netfront gets an
    error status): either way the frame is lost and the error is counted
    on the attacker -- the bystander's buffers were fine (check_others)."""
    nothing_delivered(dom, info)
    v = info["vif"]
    s = v["stats"]
    sent = info["guests"][0].result.get("evil_sent", 0)
    check(v["state"] == "connected", "dom%d: vif is %s" % (dom, v["state"]))
    check(sent >= 2 and sent - 1 <= s["tx_copy_errors"] <= sent,
          "dom%d: %d frames sent, %d copy errors counted on the sender"
          % (dom, sent, s["tx_copy_errors"]))
    want = ("vif vif%d.0: tx grant copy failed" % dom,
            "vif vif%d.0: a grant of a frame dom%d sent went bad" % (dom, dom))
    check(any(w in info["log"] for w in want),
          "dom%d: no log line '%s' or '%s'" % ((dom,) + want))


def expect_storm(dom, info):
    nothing_delivered(dom, info)
    v = info["vif"]
    g = info["guests"][0]
    sent = g.result.get("evil_sent", 0)
    check(sent >= 10**6, "dom%d: the storm sent only %d notifications" % (dom, sent))
    st = v["stats"]
    check(v["state"] == "connected", "dom%d: vif is %s after the storm" % (dom, v["state"]))
    check(st["storm_holds"] >= 1 and st["spurious_events"] > 8,
          "dom%d: storm not held back: %s" % (dom, st))
    want = "vif vif%d.0: dom%d sent 9 notifications in a row without a new request" % (dom, dom)
    check(want in info["log"], "dom%d: no log line '%s'" % (dom, want))
    print("    storm: %d notifications sent, %d events taken by xvsd (%d spurious, "
          "%d holds)" % (sent, st["events"], st["spurious_events"], st["storm_holds"]))


def rx_attacker(s, *opts, gso=False):
    def start(dom):
        atk = Guest(s.dir, dom, *opts)
        feed = ["--gso", "--rate", ATTACK_FPS // 10] if gso else ["--rate", ATTACK_FPS]
        feeder = Guest(s.dir, 5, "--gen", "--bench", "--dst", mac_of(dom), "--count", 10**9,
                       *feed)
        return [atk, feeder]
    return start


def expect_rx_stall(dom, info):
    v = info["vif"]
    s = v["stats"]
    q = v["queues"][0]
    check(v["state"] == "connected", "dom%d: vif is %s" % (dom, v["state"]))
    check(s["rx_frames"] == 0, "dom%d: %d frames delivered without buffers"
          % (dom, s["rx_frames"]))
    check(s["rx_stalls"] == 1 and v["carrier_stalled"] and not v["link_up"],
          "dom%d: no carrier loss: stalls %d, stalled %s, link %s"
          % (dom, s["rx_stalls"], v["carrier_stalled"], v["link_up"]))
    check(q["rx_queue"]["bytes"] <= RXQ_BYTES, "dom%d: %d bytes backlogged"
          % (dom, q["rx_queue"]["bytes"]))
    dropped = sum(info["drops"].get(k, 0) for k in ("queue_full", "no_buffers", "link_down"))
    check(dropped > 0, "dom%d: nothing dropped: %s" % (dom, info["drops"]))
    check("vif vif%d.0: guest dom%d posted no receive buffers" % (dom, dom) in info["log"],
          "dom%d: no carrier-off log line" % dom)


def expect_fdb_fair(dom, info):
    """The table is full of the attacker's addresses, evicted from its own
    share: the victims' entries (dynamic, learned from their traffic) and
    dom5's stay on their ports."""
    x = info["suite"].xvsd
    st = x.ctl("fdb-stats", BR)
    sent = info["guests"][0].result.get("tx_frames", 0)
    taken = info["vif"]["stats"]["tx_frames"]
    check(sent > 2 * FDB_MAX, "dom%d: only %d frames with random sources" % (dom, sent))
    check(info["bystander"]["rx_frames"] == taken, "dom%d: %d frames taken, %d delivered"
          % (dom, taken, info["bystander"]["rx_frames"]))
    check(st["entries"] <= FDB_MAX and st["evicted"] > 0,
          "dom%d: fdb-stats after the flood: %s" % (dom, st))
    fdb = x.ctl("fdb-show", BR)
    on = {e["mac"]: e["port"] for e in fdb}
    for g, name in ((2, "vif2.0"), (3, "vif3.0")):
        check(on.get(mac_of(g)) == name, "dom%d: victim %s lost its FDB entry (%s)"
              % (dom, mac_of(g), on.get(mac_of(g))))
    mine = sum(1 for e in fdb if e["port"] == "vif%d.0" % dom)
    print("    fdb: %d entries (max %d), %d of them the attacker's, %d evicted; "
          "victims' entries kept" % (st["entries"], st["max"], mine, st["evicted"]))


def expect_spoof(counter):
    """Every forged frame dropped at the port, counted and logged; the victim's MAC
    never moves to the attacker (with a forged MAC, it would without
    mac-locked: the victim's traffic would go to the attacker)."""
    def verify(dom, info):
        nothing_delivered(dom, info)
        x = info["suite"].xvsd
        v = info["vif"]
        n = info["drops"].get(counter, 0)
        sent = info["guests"][0].result.get("tx_frames", 0)
        check(v["state"] == "connected", "dom%d: vif is %s" % (dom, v["state"]))
        # the generator counts a burst (up to a ring) before publishing it
        check(sent > 100 and sent - 256 <= n <= sent, "dom%d: %d frames sent, %d dropped "
              "as %s" % (dom, sent, n, counter))
        check(v["stats"]["tx_frames"] == n, "dom%d: %d frames taken, %d dropped"
              % (dom, v["stats"]["tx_frames"], n))
        on = {e["mac"]: e["port"] for e in x.ctl("fdb-show", BR)}
        check(on.get(mac_of(2)) == "vif2.0", "dom%d: victim's MAC now on %s"
              % (dom, on.get(mac_of(2))))
        want = "port vif%d.0: dropped (%s): " % (dom, counter)
        check(want in info["log"], "dom%d: no log line '%s'" % (dom, want))
    return verify


def policy_sanity(s, src):
    """The policy is not a blanket drop: the right MAC and IP (src) pass."""
    x = s.xvsd
    dom = s.new_dom()
    n = 2000
    ips = "10.0.0.9,10.0.0.67,2001:db8::9,2001:db8::67"
    before = vif(x, "vif4.0")["stats"]["rx_frames"]
    g = Guest(s.dir, dom, "--gen", "--dst", mac_of(4), "--src-ip", src,
              "--count", n, "--rate", ATTACK_FPS)
    r = g.attach(x, "mac-locked=1", "ips=" + ips)
    check(r["mac_locked"] and r["ips"] == ["10.0.0.9", "10.0.0.67"]
          and r["ip6s"] == ["2001:db8::9", "2001:db8::67"],
          "vif-attach policy not shown: %s" % r)
    for _ in range(200):
        if g.proc.poll() is not None:
            break
        time.sleep(0.05)
    g.stop()
    time.sleep(0.1)
    got = vif(x, "vif4.0")["stats"]["rx_frames"] - before
    drops = port_drops(x, g.vif)
    x.ctl("vif-detach", g.vif)
    check(got == n and not drops.get("spoof_mac") and not drops.get("spoof_ip"),
          "policy sanity: %d of %d legal frames arrived, drops %s" % (got, n, drops))
    print("ok - mac-locked=1 ips=%s: %d/%d legal frames from %s delivered"
          % (ips, got, n, src))


def bad_options(s):
    """vif-attach's policy options refuse bad values with clear errors."""
    x = s.xvsd
    cases = [
        (["mac-locked=1"], "mac-locked=1 needs the guest's mac="),
        (["mac=00:16:3e:00:00:01", "mac-locked=maybe"], "mac-locked: 'maybe' is not 0 or 1"),
        (["ips=10.0.0.1,10.0.0"], "ips: '10.0.0' is not an IPv4 or IPv6 address"),
        (["ips=10.0.0.1,"], "ips: '' is not an IPv4 or IPv6 address"),
        (["ips=" + ",".join("10.0.0.%d" % i for i in range(1, 18))],
         "ips: more than 16 IPv4 addresses"),
        (["ips=" + ",".join("2001:db8::%x" % i for i in range(1, 18))],
         "ips: more than 16 IPv6 addresses"),
    ]
    for opts, want in cases:
        e = x.ctl("vif-attach", BR, "77", "0", "8", "9", "1", *opts, ok=False)
        check(isinstance(e, str) and want in e, "vif-attach %s: %s" % (opts, e))
    check(len(x.ctl("vif-show")) == 3, "a refused vif-attach left a vif")
    print("ok - vif-attach refuses bad mac-locked= / ips= values with clear errors")


def memory(s):
    x = s.xvsd
    peak_mb, leak_mb = ((ASAN_MEM_PEAK_MB, ASAN_MEM_LEAK_MB) if x.asan
                        else (MEM_PEAK_MB, MEM_LEAK_MB))
    end = x.mem_kb()
    peak = max([m["VmRSS"] for _, m, _ in s.mem] + [end["VmHWM"]])
    print("    memory: VmRSS base %d kB; per attack during/after: %s" % (
        s.mem_base, ", ".join("%s %d/%d" % (lbl.split()[1], m["VmRSS"], a["VmRSS"])
                              for lbl, m, a in s.mem)))
    line = "xvsd VmRSS %d kB at the start, %d kB at the end, VmHWM %d kB" % (
        s.mem_base, end["VmRSS"], end["VmHWM"])
    check(peak <= s.mem_base + peak_mb * 1024,
          "memory peak: %s (bound: start + %d MB)" % (line, peak_mb))
    check(end["VmRSS"] <= s.mem_base + leak_mb * 1024,
          "memory after the attacks: %s (bound: start + %d MB)" % (line, leak_mb))
    print("ok - memory bounded: %s (bounds: peak start + %d MB, end start + %d MB%s)"
          % (line, peak_mb, leak_mb, ", ASan build" if x.asan else ""))


if __name__ == "__main__":
    main()
