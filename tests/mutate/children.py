"""Forked children bounded by CPU time and memory, a few at a time.

Each task runs in a child forked from this process, so it starts with everything already
imported; the child writes what it found as JSON to a file and exits. A child that reaches
its CPU limit is killed by the kernel (``SIGXCPU``, then ``SIGKILL``) and reported as timed
out. A child that uses no CPU for very long (a deadlock) is killed too, as a last resort.
"""

from __future__ import annotations

import json
import math
import os
import resource
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Work = Callable[[], dict[str, Any]]
HUNG_FACTOR = 10
"""A child still running after this many times its CPU limit in wall time is hung."""
POLL_SECONDS = 0.02


@dataclass(frozen=True)
class Limits:
    """What each child may use: CPU seconds and address space."""

    cpu_seconds: float
    memory_mb: int


@dataclass(frozen=True)
class Task:
    """Work for one child, and what it is for (passed back with the outcome)."""

    key: Any
    work: Work


@dataclass(frozen=True)
class Outcome:
    """How a child ended: its result, or why there is none, and the CPU it used."""

    result: dict[str, Any] | None
    timed_out: bool
    hung: bool
    signal: int | None
    exit_code: int | None
    cpu: float
    wall: float
    error: str | None  # the traceback of an exception that escaped the work


@dataclass
class _Running:
    task: Task
    pid: int
    path: Path
    started: float


def _limit(kind: int, soft: int, grace: int = 0) -> None:
    """Lower a resource limit: ``soft`` (a signal, or a failing allocation) and, ``grace``
    further on, the hard limit (``SIGKILL`` for CPU time)."""
    _, hard = resource.getrlimit(kind)
    new_hard = soft + grace
    if hard != resource.RLIM_INFINITY:
        soft, new_hard = min(soft, hard), min(new_hard, hard)
    resource.setrlimit(kind, (soft, new_hard))


def _child(task: Task, limits: Limits, path: Path) -> None:
    """Run the task in this (forked) process and exit; never returns."""
    code = 0
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        _limit(resource.RLIMIT_CPU, math.ceil(limits.cpu_seconds), grace=2)
        _limit(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        result: dict[str, Any] = {"result": task.work()}
    except BaseException:  # anything, even SystemExit: the child must report and exit
        result = {"error": traceback.format_exc(limit=8)}
        code = 1
    try:
        part = path.with_suffix(".part")
        part.write_text(json.dumps(result), encoding="utf-8")
        part.rename(path)
    finally:
        os._exit(code)


def _spawn(task: Task, limits: Limits, folder: Path, number: int) -> _Running:
    path = folder / f"child-{number}.json"
    pid = os.fork()
    if pid == 0:
        _child(task, limits, path)
    return _Running(task, pid, path, time.monotonic())


def _finish(child: _Running, status: int, usage: Any, limits: Limits, hung: bool) -> Outcome:
    cpu = usage.ru_utime + usage.ru_stime
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    data: dict[str, Any] = {}
    if child.path.exists():
        data = json.loads(child.path.read_text(encoding="utf-8"))
        child.path.unlink()
    timed_out = sig in (signal.SIGXCPU, signal.SIGKILL) and cpu >= limits.cpu_seconds - 0.5
    return Outcome(
        result=data.get("result"),
        timed_out=timed_out or hung,
        hung=hung,
        signal=sig,
        exit_code=os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        cpu=cpu,
        wall=time.monotonic() - child.started,
        error=data.get("error"),
    )


def run_tasks(
    tasks: list[Task],
    handle: Callable[[Task, Outcome], list[Task]],
    *,
    jobs: int,
    limits: Limits,
    folder: Path,
) -> None:
    """Run every task in a child, ``jobs`` at a time; ``handle`` gets each outcome as it comes
    and returns follow-up tasks, which run next."""
    queue = deque(tasks)
    running: list[_Running] = []
    number = 0
    hung_after = HUNG_FACTOR * limits.cpu_seconds + 60
    try:
        while queue or running:
            while queue and len(running) < jobs:
                running.append(_spawn(queue.popleft(), limits, folder, number))
                number += 1
            for child in list(running):
                hung = time.monotonic() - child.started > hung_after
                if hung:
                    os.kill(child.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(child.pid, 0 if hung else os.WNOHANG)
                if pid == 0:
                    continue
                running.remove(child)
                follow = handle(child.task, _finish(child, status, usage, limits, hung))
                queue.extendleft(reversed(follow))
            time.sleep(POLL_SECONDS)
    finally:
        for child in running:  # interrupted: stop our own children, and only them
            os.kill(child.pid, signal.SIGKILL)
            os.waitpid(child.pid, 0)


def run_one(work: Work, limits: Limits, folder: Path) -> Outcome:
    """Run one piece of work in a child and wait for it."""
    outcomes: list[Outcome] = []

    def keep(task: Task, outcome: Outcome) -> list[Task]:
        outcomes.append(outcome)
        return []

    run_tasks([Task(None, work)], keep, jobs=1, limits=limits, folder=folder)
    return outcomes[0]
