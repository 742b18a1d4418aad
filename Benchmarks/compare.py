"""Runs each workload with Sesame and with the Python peers against the same local servers and prints a
table of medians and ratios. Started by Benchmarks/compare (which builds Sesame's load driver first)."""
import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV_BIN = os.path.join(ROOT, ".venv", "bin")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    """moto_server on a free 127.0.0.1 port, stopped on exit."""

    def __enter__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [os.path.join(VENV_BIN, "moto_server"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/moto-api/data.json", timeout=1)
                return self
            except OSError:
                time.sleep(0.2)
        raise SystemExit("moto_server did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def aws_environment(url):
    env = dict(os.environ)
    env.update({
        "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1", "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    })
    return env


def seed_aws(count, prefix):
    import boto3
    ssm = boto3.client("ssm")
    sm = boto3.client("secretsmanager")
    for i in range(count):
        ssm.put_parameter(Name=f"{prefix}/p{i}", Value=f"parameter-value-{i}", Type="SecureString")
        sm.create_secret(Name=f"{prefix}/s{i}", SecretString=json.dumps({"user": f"u{i}", "password": f"pw-{i}"}))


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def sesame_aws(workload, prefix, count, concurrency, env):
    """(seconds, client CPU seconds) of Sesame's load driver reading `count` values."""
    before = children_cpu()
    output = subprocess.run(
        [os.environ["SESAME_LOAD_BIN"], workload, prefix, str(count), str(concurrency)],
        env=env, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])["seconds"], children_cpu() - before


def s1crets_aws(workload, prefix, count, threads):
    """s1crets 0.0.12's provider.get(path, cached=False): sequential as its users call it, or from a thread pool."""
    if workload == "aws-ps":
        from s1crets.providers.aws.ps import SecretProvider
        SecretProvider.cache.clear()  # s1crets memoizes providers process-wide, endpoint included
        provider = SecretProvider()
        paths = [f"{prefix}/p{i}" for i in range(count)]
    else:
        from s1crets.providers.aws.sm import SecretProvider
        SecretProvider.cache.clear()
        provider = SecretProvider()
        paths = [f"{prefix}/s{i}" for i in range(count)]
    start = time.perf_counter()
    cpu = time.process_time()
    if threads == 1:
        for path in paths:
            provider.get(path, cached=False)
    else:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda path: provider.get(path, cached=False), paths))
    return time.perf_counter() - start, time.process_time() - cpu


def moto_ceiling(prefix, count, env):
    """The most reads per second moto answers, whoever asks: Sesame's driver with 64 requests in flight."""
    seconds, _ = sesame_aws("aws-ps", prefix, count, 64, env)
    return count / seconds


class Responder:
    """Sesame's keep-alive AWS responder (`sesame-load serve-aws`): a server that is not the bottleneck."""

    def __enter__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([os.environ["SESAME_LOAD_BIN"], "serve-aws", str(self.port)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the AWS responder did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=10)


def compare_aws(rows, server, url, workloads, prefix, count, rounds, concurrency):
    env = aws_environment(url)
    os.environ.update(env)
    for workload in workloads:
        label = {"aws-ps": "Parameter Store", "aws-sm": "Secrets Manager"}[workload]
        timings = {"sesame": [], "s1crets": [], "s1crets16": []}
        cpu = {"sesame": [], "s1crets": [], "s1crets16": []}
        for round_number in range(rounds):
            for name, run in (("sesame", lambda: sesame_aws(workload, prefix, count, concurrency, env)),
                              ("s1crets", lambda: s1crets_aws(workload, prefix, count, 1)),
                              ("s1crets16", lambda: s1crets_aws(workload, prefix, count, concurrency))):
                seconds, cpu_seconds = run()
                timings[name].append(seconds)
                cpu[name].append(cpu_seconds)
            print(f"  {server} {workload} round {round_number + 1}: " + ", ".join(
                f"{name} {values[-1]:.2f} s" for name, values in timings.items()), flush=True)
        sesame = statistics.median(timings["sesame"])
        sesame_cpu = statistics.median(cpu["sesame"])
        for name, title in (("s1crets", "s1crets 0.0.12, sequential"),
                            ("s1crets16", f"s1crets 0.0.12, {concurrency} threads")):
            peer = statistics.median(timings[name])
            peer_cpu = statistics.median(cpu[name])
            rows.append((f"{count} {label} reads, {server}", title, count / sesame, count / peer,
                         peer / sesame, 1000 * sesame_cpu / count, 1000 * peer_cpu / count))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workloads", default="aws-ps,aws-sm")
    args = parser.parse_args()
    workloads = [w for w in args.workloads.split(",") if w in ("aws-ps", "aws-sm")]
    rows = []
    ceiling = None
    if workloads:
        with Moto() as moto:
            os.environ.update(aws_environment(moto.url))
            print(f"seeding {args.count} parameters and {args.count} secrets into moto at {moto.url} ...", flush=True)
            seed_aws(args.count, "/bench")
            compare_aws(rows, "moto", moto.url, workloads, "/bench", args.count, args.rounds, args.concurrency)
            ceiling = moto_ceiling("/bench", args.count, aws_environment(moto.url))
        with Responder() as responder:
            compare_aws(rows, "keep-alive responder", responder.url, workloads, "/bench", args.count, args.rounds,
                        args.concurrency)
    print()
    print(f"{'workload':<52} {'peer':<30} {'Sesame ops/s':>12} {'peer ops/s':>10} {'ratio':>6}"
          f" {'client CPU ms/read: Sesame':>27} {'peer':>6} {'ratio':>6}")
    for workload, peer, sesame_rate, peer_rate, ratio, sesame_cpu, peer_cpu in rows:
        print(f"{workload:<52} {peer:<30} {sesame_rate:>12.0f} {peer_rate:>10.0f} {ratio:>5.1f}x"
              f" {sesame_cpu:>27.3f} {peer_cpu:>6.3f} {peer_cpu / sesame_cpu:>5.1f}x")
    print(f"\n(medians of {args.rounds} rounds; Sesame with {args.concurrency} requests in flight; servers on 127.0.0.1;")
    print(" client CPU is the reading process's user+system time, server excluded)")
    if ceiling:
        print(f"moto's own ceiling for GetParameter (Sesame's driver at 64 in flight): {ceiling:.0f} reads/s;"
              " moto answers each request on a new connection, from one Python process.")


if __name__ == "__main__":
    main()
