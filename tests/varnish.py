"""deploy/varnish.vcl under a real varnishd, for tests and benchmarks.

`run_varnish(backend_port, workdir)` starts Varnish with the shipped file in
front of whatever listens on 127.0.0.1:backend_port and yields its origin;
`require_varnish()` skips a test where varnishd or vmod xkey is missing
(fails instead when NEWSROOM_REQUIRE_VARNISH is set, as CI does).
"""

import functools
import http.client
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest

from tests.live import ROOT

VCL = ROOT / "deploy" / "varnish.vcl"


@functools.cache
def missing():
    """Why Varnish cannot run the shipped file here, or None if it can."""
    if shutil.which("varnishd") is None:
        return "varnishd is not installed (Debian: apt install varnish)"
    with tempfile.TemporaryDirectory() as workdir:
        probe = os.path.join(workdir, "xkey.vcl")
        with open(probe, "w") as file:
            file.write("vcl 4.1;\nimport xkey;\nbackend none none;\n")
        done = compile_vcl(probe, workdir)
    if done.returncode != 0:
        first_error = done.stderr.strip().splitlines()[:1]
        return f"vmod xkey cannot be loaded (Debian: varnish-modules): {first_error}"
    return None


def compile_vcl(path, workdir):
    """`varnishd -C`: the VCL file at `path` compiled to C, or why not."""
    return subprocess.run(
        # Without -j none, root's varnishd reads the file as the varnish
        # user, who cannot open a test's private folder.
        ["varnishd", "-C", "-j", "none", "-n", str(workdir), "-f", str(path)],
        capture_output=True,
        text=True,
    )


def require_varnish():
    """Skip the calling test where Varnish cannot run, unless it must."""
    reason = missing()
    if reason:
        if os.environ.get("NEWSROOM_REQUIRE_VARNISH"):
            pytest.fail(f"NEWSROOM_REQUIRE_VARNISH is set but {reason}")
        pytest.skip(reason)


def configured(backend_port, probe_host="127.0.0.1"):
    """The shipped VCL with the marked lines pointed at a local backend."""
    vcl = VCL.read_text()
    vcl, ports = re.subn(r'"\d+";(\s*# GUNICORN_BIND)', rf'"{backend_port}";\1', vcl)
    vcl, hosts = re.subn(
        r'"Host: [^"]*"(\s*# DJANGO_ALLOWED_HOSTS)', rf'"Host: {probe_host}"\1', vcl
    )
    assert (ports, hosts) == (1, 1), "the marked lines of deploy/varnish.vcl moved"
    return vcl


@contextmanager
def run_varnish(backend_port, workdir, *, probe_host="127.0.0.1"):
    """varnishd running deploy/varnish.vcl in front of 127.0.0.1:backend_port,
    with its files in `workdir`; yields "http://127.0.0.1:PORT".

    The health probe sends `probe_host` as Host: a name the backend allows.
    Besides that origin, a second listener named tls stands in for a TLS
    terminator's (see `listen_origins`). Ports are the system's choice, read
    back from Varnish, so parallel runs never collide.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    vcl = workdir / "varnish.vcl"
    vcl.write_text(configured(backend_port, probe_host))
    log = (workdir / "varnishd.log").open("w")
    process = subprocess.Popen(
        ["varnishd", "-F", "-n", str(workdir / "varnish"), "-f", str(vcl)]
        + ["-a", "127.0.0.1:0", "-a", "tls=127.0.0.1:0", "-T", "127.0.0.1:0"]
        # Root would otherwise hand the workers to the varnish user, who
        # cannot read a test's folder.
        + ["-j", "none", "-s", "malloc,64m", "-l", "4m"]
        # A few threads rather than the 200 a server starts with: faster.
        + ["-p", "thread_pools=1", "-p", "thread_pool_min=10"],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        origin = _wait_until_serving(process, workdir)
        yield origin
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def listen_origins(workdir):
    """Each listener of the varnishd running in `workdir`, by name: the
    unnamed one is "a0", the stand-in TLS terminator's "tls"."""
    done = subprocess.run(
        ["varnishadm", "-n", str(workdir / "varnish"), "debug.listen_address"],
        capture_output=True,
        text=True,
        timeout=5,
    )
    if done.returncode != 0:
        raise OSError(done.stdout + done.stderr)
    listeners = (line.split() for line in done.stdout.splitlines() if line.strip())
    return {name: f"http://{address}:{port}" for name, address, port in listeners}


def _wait_until_serving(process, workdir, timeout=15):
    """The plain listener's origin, once Varnish answers there: a PURGE
    without keys is answered by the VCL alone, so the backend sees nothing."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (workdir / "varnishd.log").read_text()
            raise RuntimeError(f"varnishd exited with {process.returncode}:\n{log}")
        try:
            origin = listen_origins(workdir)["a0"]
            connection = http.client.HTTPConnection(urlsplit(origin).netloc, timeout=2)
            try:
                connection.request("PURGE", "/")
                connection.getresponse().read()
                return origin
            finally:
                connection.close()
        except (OSError, KeyError, subprocess.TimeoutExpired):
            time.sleep(0.05)
    raise RuntimeError(f"varnishd did not answer within {timeout}s")
