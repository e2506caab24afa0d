"""The command line: wires sources -> diagnose -> report and owns exit codes (DESIGN.md "Exit codes").

0: healthy / nothing at or above --fail-on; 1: stuck, or findings at or above --fail-on; 2: usage or input
error; 3: cluster unreachable or unauthorised. Tracebacks are hidden unless --debug.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from firstdomino import __version__
from firstdomino.diagnose import Diagnosis, Severity
from firstdomino.diagnose import diagnose as run_diagnosis
from firstdomino.diagnose.finding import STATE_HAZARD, STATE_STUCK
from firstdomino.diagnose.registry import BY_ID, RULES
from firstdomino.errors import ClusterUnreachable, FirstDominoError, InputError, UsageError
from firstdomino.lint import lint as run_lint
from firstdomino.lint.plan import build_plan
from firstdomino.lint.registry import LINT_BY_ID, LINT_RULES
from firstdomino.lint.runner import parse_config
from firstdomino.report import render_json, render_text, render_yaml
from firstdomino.report.lint import render_lint_json, render_lint_text, render_sarif
from firstdomino.report.plan import render_plan_json, render_plan_text
from firstdomino.sources import load_config, load_repository, load_snapshot
from firstdomino.sources.git import revision

if TYPE_CHECKING:
    from firstdomino.model.snapshot import Snapshot
    from firstdomino.sources.live import Collection

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_UNREACHABLE = 0, 1, 2, 3


def _colour(no_color: bool) -> bool:
    return not no_color and "NO_COLOR" not in os.environ and sys.stdout.isatty()


def exit_code(diagnosis: Diagnosis, fail_on: Severity) -> int:
    """1 when the cluster is stuck, or a root cause at or above `fail-on` is stuck or a hazard."""
    if diagnosis.verdict == "stuck":
        return EXIT_FINDINGS
    for cause in (*diagnosis.root_causes, *(f for f in diagnosis.findings if f.hazard)):
        if cause.severity >= fail_on and diagnosis.state(cause) in (STATE_STUCK, STATE_HAZARD):
            return EXIT_FINDINGS
    return EXIT_OK


def _fail_on(help_text: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """The `--fail-on SEV` option, shared by the commands that gate CI."""
    return click.option(
        "--fail-on",
        type=click.Choice(["low", "medium", "high", "critical"]),
        default="high",
        show_default=True,
        help=help_text,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="firstdomino")
def cli() -> None:
    """Find the first domino when a freshly built Kubernetes cluster does not come up."""


def _connection_options(read_timeout: bool) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """kubectl's connection flags, and the bounds of a live read (`--timeout` unless the command has its own)."""
    options = [
        click.option("--kubeconfig", metavar="FILE", help="Kubeconfig file (default: $KUBECONFIG, ~/.kube/config)."),
        click.option("--context", metavar="NAME", help="Kubeconfig context (default: the current one)."),
        click.option(
            "-n",
            "--namespace",
            "namespaces",
            metavar="NS",
            multiple=True,
            help="Read namespaced kinds only in NS (repeatable). Default: all namespaces.",
        ),
        click.option("-A", "--all-namespaces", is_flag=True, help="All namespaces (the default)."),
        click.option("--request-timeout", type=float, default=30.0, show_default=True, metavar="SECONDS"),
        click.option(
            "--max-logs",
            type=int,
            default=60,
            show_default=True,
            help="At most this many container logs (unhealthy pods first).",
        ),
        click.option(
            "--log-tail",
            type=int,
            default=500,
            show_default=True,
            metavar="LINES",
            help="Lines read from the end of each log.",
        ),
    ]
    if read_timeout:
        options.insert(
            4,
            click.option(
                "--timeout",
                type=float,
                default=120.0,
                show_default=True,
                metavar="SECONDS",
                help="Overall limit for reading the cluster; what was read by then is used.",
            ),
        )

    def decorate(fn: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            fn = option(fn)
        return fn

    return decorate


_live_options = _connection_options(read_timeout=True)


def _progress(enabled: bool) -> Callable[[str], None] | None:
    """One self-overwriting status line on stderr when it is a terminal; nothing otherwise."""
    if not enabled or not sys.stderr.isatty():
        return None

    def say(text: str) -> None:
        click.echo(f"\r\x1b[2K{text[:100]}", err=True, nl=False)

    return say


def _collect(live: dict[str, Any], on_page: Callable[..., None] | None = None, stale_ok: bool = False) -> Collection:
    """One live read with the connection flags in `live`. The connection (and its private directory of
    key material) is closed before returning. A kubeconfig whose CA no longer matches raises
    ClusterUnreachable unless `stale_ok` (diagnose turns it into its root cause)."""
    from firstdomino.sources.kubeconfig import connect
    from firstdomino.sources.live import STALE_KUBECONFIG, Collector, Options

    conn = connect(live["kubeconfig"], live["context"])
    namespaces = () if live["all_namespaces"] else tuple(live["namespaces"])
    options = Options(
        namespaces=namespaces,
        kinds=frozenset(k for r in RULES for k in r.kinds),
        max_logs=int(live["max_logs"]),
        log_tail=int(live["log_tail"]),
        timeout=float(live["timeout"]),
        request_timeout=float(live["request_timeout"]),
        on_progress=_progress(True),
        on_page=on_page,
    )
    try:
        result = Collector(conn, options).collect()
    finally:
        conn.close()
        if options.on_progress is not None:
            click.echo("\r\x1b[2K", err=True, nl=False)
    if result.stale is not None and not stale_ok:
        raise ClusterUnreachable(next(p.message for p in result.snapshot.problems if p.id == STALE_KUBECONFIG))
    return result


@cli.command()
@click.option("--from", "source", metavar="PATH", help="Snapshot directory, cluster-info dump, or .tar.gz of either.")
@_live_options
@click.option(
    "-o",
    "--output",
    type=click.Choice(["text", "json", "yaml", "md", "html"]),
    default="text",
    show_default=True,
    help="md: a Markdown incident report; html: a self-contained HTML report.",
)
@_fail_on("Exit 1 when a root cause at or above this severity is stuck.")
@click.option("--exit-zero", is_flag=True, help="Always exit 0 (except usage and input errors).")
@click.option("--timeline", "show_timeline", is_flag=True, help="Text: also print the per-component timeline.")
@click.option("--no-color", is_flag=True, help="No colour (also: NO_COLOR set, or output not a terminal).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def diagnose(
    source: str | None,
    output: str,
    fail_on: str,
    exit_zero: bool,
    show_timeline: bool,
    no_color: bool,
    debug: bool,
    **live: Any,
) -> None:
    """Diagnose a cluster: the root cause to fix first, the cascade it explains, evidence and fix.

    Without --from, reads the cluster of the current kubeconfig context (read-only: list and get,
    never Secret data; see deploy/rbac.yaml).

    \b
    Examples:
      firstdomino diagnose
      firstdomino diagnose --context admin@home -n flux-system -n kube-system
      firstdomino diagnose --from ./snapshot
      firstdomino diagnose --from dump.tar.gz -o json
    """
    unreachable = False
    try:
        # A one-shot run builds millions of small objects and frees none: the cyclic GC would only
        # rescan them (2-7x slower bulk loads, docs/performance.md), so it is off for the run.
        gc.disable()
        if source:
            snapshot = load_snapshot(source)
        else:
            collection = _collect(live, stale_ok=True)
            snapshot = collection.snapshot
            unreachable = collection.stale is not None
        result = run_diagnosis(snapshot)
    except FirstDominoError as error:
        _fail(error, debug)
    if output == "json":
        text = render_json(result)
    elif output == "yaml":
        text = render_yaml(result)
    elif output == "md":
        from firstdomino.report.markdown import render_markdown

        text = render_markdown(result)
    elif output == "html":
        from firstdomino.report.html import render_html

        text = render_html(result)
    else:
        text = render_text(result, colour=_colour(no_color))
        if show_timeline:
            from firstdomino.report.text import render_timeline

            text += render_timeline(result)
    click.echo(text, nl=False)
    if unreachable:
        sys.exit(EXIT_UNREACHABLE)
    sys.exit(EXIT_OK if exit_zero else exit_code(result, Severity.parse(fail_on)))


@cli.command()
@click.option("-o", "--output", "target", required=True, metavar="DIR|FILE.tar.gz", help="Where to write it.")
@_live_options
@click.option(
    "--redact", is_flag=True, help="Replace env values, ConfigMap data and secret-like annotations by tokens."
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def snapshot(target: str, redact: bool, debug: bool, **live: Any) -> None:
    """Save what a live diagnosis reads, for later (`diagnose --from`) or for a colleague.

    Written atomically: an interrupted run leaves nothing. Secret data is never read or written.

    \b
    Examples:
      firstdomino snapshot -o ./snap
      firstdomino snapshot --context dev --redact -o dev-$(date +%F).tar.gz
    """
    from firstdomino.sources.write import writing

    try:
        with writing(target, redact) as writer:
            collection = _collect(live, on_page=writer.page)
            snap = collection.snapshot
            path = writer.finish(collection)
    except FirstDominoError as error:
        _fail(error, debug)
    click.echo(
        f"wrote {path}: {snap.object_count:,} objects, {len(snap.logs)} logs, "
        f"{len(collection.kinds)} kinds, {collection.requests} requests"
        + (f"; not checked: {len(snap.not_checked)}" if snap.not_checked else "")
        + ("; PARTIAL (see meta.json notChecked)" if collection.partial else ""),
        err=True,
    )


def _duration(value: str) -> float:
    """`90`, `90s`, `10m`, `1h30m` -> seconds."""
    import re

    text = value.strip().lower()
    if text.replace(".", "", 1).isdigit():
        return float(text)
    parts = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", text)
    if not text or parts is None:
        raise click.BadParameter(f"{value!r} is not a duration (like 90s, 10m, 1h30m)")
    hours, minutes, seconds = (float(g) if g else 0.0 for g in parts.groups())
    return hours * 3600 + minutes * 60 + seconds


@cli.command()
@click.option("--replay", metavar="DIR", help="Replay DIR/<n>/ snapshots in order instead of reading a cluster.")
@click.option("--record", metavar="DIR", help="Also save each live step as DIR/<n>/ (for --replay later).")
@click.option("--until", type=click.Choice(["healthy"]), default="healthy", show_default=True)
@click.option("--interval", "interval_text", default="10s", show_default=True, help="Time between live reads.")
@click.option(
    "--timeout",
    "watch_timeout_text",
    default="30m",
    show_default=True,
    help="Give up (exit 124) after this long.",
)
@click.option(
    "--stuck-after",
    "stuck_after_text",
    default="0s",
    show_default=True,
    help="Exit 1 once the verdict has been `stuck` this long (0: at once).",
)
@_connection_options(read_timeout=False)
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-color", is_flag=True, help="No colour (also: NO_COLOR set, or output not a terminal).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def watch(
    replay: str | None,
    record: str | None,
    until: str,
    interval_text: str,
    watch_timeout_text: str,
    stuck_after_text: str,
    output: str,
    no_color: bool,
    debug: bool,
    **live: Any,
) -> None:
    """Diagnose until the cluster is healthy (exit 0), stuck (exit 1) or time runs out (exit 124).

    Each step prints the verdict, components ready / total, what moved and the current first domino;
    at the end, when each component became ready and the final diagnosis.

    \b
    Examples:
      firstdomino watch --context dev --interval 15s --timeout 20m
      firstdomino watch --record ./bootstrap          # keep every step
      firstdomino watch --replay ./bootstrap -o json  # the same, later
    """
    import json
    import time
    from datetime import timedelta

    from firstdomino import watch as watching

    interval = _duration(interval_text)
    limit = _duration(watch_timeout_text)
    watcher = watching.Watcher(stuck_after=timedelta(seconds=_duration(stuck_after_text)))
    started = time.monotonic()
    tty = sys.stdout.isatty() and output == "text"

    def emit(step: watching.Step) -> None:
        if output != "text":
            return
        line = step.line(watcher.steps[0].captured_at)
        if tty:
            click.echo(f"\r\x1b[2K{line[:160]}", nl=False)
        elif step.index == 0 or step.moved or step.verdict != watcher.steps[step.index - 1].verdict:
            click.echo(line)

    def live_steps() -> Any:
        from firstdomino.sources.write import writing

        index = 0
        while True:
            began = time.monotonic()
            live["timeout"] = max(1.0, min(120.0, limit - (began - started)))
            if record:
                Path(record).mkdir(parents=True, exist_ok=True)
                with writing(str(Path(record) / str(index)), redact=False) as writer:
                    collection = _collect(live, on_page=writer.page)
                    writer.finish(collection)
            else:
                collection = _collect(live)
            yield collection.snapshot
            index += 1
            rest = interval - (time.monotonic() - began)
            if rest > 0:
                time.sleep(min(rest, max(0.0, limit - (time.monotonic() - started))))

    try:
        gc.disable()
        steps = watching.replay_steps(replay) if replay else live_steps()
        code = watching.run(steps, watcher, emit, expired=lambda: time.monotonic() - started >= limit)
    except FirstDominoError as error:
        _fail(error, debug)
    if watcher.diagnosis is None:
        click.echo("error: no step could be read", err=True)
        sys.exit(EXIT_INPUT)
    if output == "json":
        doc = {
            "schema": "firstdomino.dev/watch/v1",
            "exit": code,
            "outcome": {0: "healthy", 1: "stuck", 124: "timeout"}[code],
            **watcher.summary(),
            "final": json.loads(render_json(watcher.diagnosis)),
        }
        click.echo(json.dumps(doc, indent=2))
    else:
        if tty:
            click.echo("")
        verdicts = {0: "HEALTHY", 1: "STUCK", 124: "TIMED OUT (still converging)"}
        click.echo(f"\nwatch: {verdicts[code]} after {len(watcher.steps)} step(s)\n")
        click.echo(watcher.ready_table())
        click.echo(render_text(watcher.diagnosis, colour=_colour(no_color)), nl=False)
    sys.exit(code)


@cli.command()
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@click.option("--kubeconfig", metavar="FILE", help="Kubeconfig for `context:NAME` sides.")
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def diff(a: str, b: str, kubeconfig: str | None, output: str, debug: bool) -> None:
    """What differs between two clusters, for bootstrap: Cilium config and values, kube-proxy, policies,
    webhooks, CoreDNS, versions, GitOps states. Exit 0 when nothing differs, 1 when something does.

    A and B are snapshots (directory, dump or .tar.gz) or `context:NAME` for a live read.

    \b
    Examples:
      firstdomino diff ./test-snap ./dev-snap
      firstdomino diff context:admin@test context:admin@dev -o json
    """
    from firstdomino.diagnose.diff import diff as compare
    from firstdomino.report.diff import render_diff_json, render_diff_text

    def read(side: str) -> Snapshot:
        if side.startswith("context:"):
            live = {
                "kubeconfig": kubeconfig,
                "context": side.removeprefix("context:"),
                "namespaces": (),
                "all_namespaces": True,
                "max_logs": 0,
                "log_tail": 0,
                "timeout": 120.0,
                "request_timeout": 30.0,
            }
            return _collect(live).snapshot
        return load_snapshot(side)

    try:
        gc.disable()
        left, right = read(a), read(b)
    except FirstDominoError as error:
        _fail(error, debug)
    changes = compare(left, right)
    click.echo(render_diff_json(changes, a, b) if output == "json" else render_diff_text(changes, a, b), nl=False)
    sys.exit(EXIT_FINDINGS if changes else EXIT_OK)


@cli.command()
@click.argument("path", type=click.Path(file_okay=False), default=".")
@click.option("--rev", metavar="REV", help="Lint this git revision of PATH (commit, branch, tag) instead of the files.")
@click.option("-o", "--output", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True)
@_fail_on("Exit 1 when a finding at or above this severity remains.")
@click.option("--exit-zero", is_flag=True, help="Always exit 0 (except usage and input errors).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def lint(path: str, rev: str | None, output: str, fail_on: str, exit_zero: bool, debug: bool) -> None:
    """Predict bootstrap failures from a GitOps repository before apply (Flux, Argo CD, helmfile, Cilium values).

    \b
    Examples:
      firstdomino lint .
      firstdomino lint ./fleet -o sarif > firstdomino.sarif
    """
    gc.disable()  # a one-shot run: see `diagnose`
    try:
        with contextlib.ExitStack() as stack:
            root = stack.enter_context(revision(path, rev)) if rev else path
            repo = load_repository(root)
            config, config_problems = load_config(root)
    except FirstDominoError as error:
        _fail(error, debug)
    suppressions, parse_problems = parse_config(config)
    result = run_lint(repo, suppressions=suppressions, config_problems=[*config_problems, *parse_problems])
    if output == "json":
        click.echo(render_lint_json(result), nl=False)
    elif output == "sarif":
        click.echo(render_sarif(result, LINT_RULES), nl=False)
    else:
        click.echo(render_lint_text(result), nl=False)
    failing = [f for f in result.findings if f.severity >= Severity.parse(fail_on)]
    sys.exit(EXIT_FINDINGS if failing and not exit_zero else EXIT_OK)


@cli.command()
@click.argument("path", type=click.Path(file_okay=False), default=".")
@click.option("--rev", metavar="REV", help="Plan this git revision of PATH instead of the files.")
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def plan(path: str, rev: str | None, output: str, debug: bool) -> None:
    """Show the bootstrap order a GitOps repository implies, with milestones and hazards in place.

    \b
    Order: Terraform/Talos -> helmfile (needs) -> Flux Kustomizations (dependsOn) -> Argo CD sync waves.
    """
    try:
        with contextlib.ExitStack() as stack:
            root = stack.enter_context(revision(path, rev)) if rev else path
            repo = load_repository(root)
    except FirstDominoError as error:
        _fail(error, debug)
    result = build_plan(repo, run_lint(repo))
    click.echo(render_plan_json(result) if output == "json" else render_plan_text(result), nl=False)


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Print the documentation of a rule (what it detects, why it matters, example, fix, references)."""
    rule = BY_ID.get(rule_id)
    lint_rule = LINT_BY_ID.get(rule_id)
    if rule is None and lint_rule is None:
        click.echo(f"error: unknown rule id {rule_id!r}; `firstdomino rules` lists them", err=True)
        sys.exit(EXIT_INPUT)
    if rule is not None:
        click.echo(f"{rule.id} — {rule.title} (severity {rule.severity}; diagnose)\n")
        click.echo(rule.doc)
    if lint_rule is not None:
        if rule is not None:
            click.echo("")
        click.echo(f"{lint_rule.id} — {lint_rule.title} (severity {lint_rule.severity}; lint)\n")
        click.echo(lint_rule.doc)


@cli.command()
@click.option("-o", "--output", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(output: str) -> None:
    """List the rule ids."""
    if output == "json":
        import json

        click.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "title": r.title,
                        "severity": str(r.severity),
                        "command": "diagnose",
                        "kinds": list(r.kinds),
                    }
                    for r in sorted(RULES, key=lambda r: r.id)
                ]
                + [
                    {"id": r.id, "title": r.title, "severity": str(r.severity), "command": "lint"}
                    for r in sorted(LINT_RULES, key=lambda r: r.id)
                ],
                indent=2,
            )
        )
        return
    for rule in sorted(RULES, key=lambda r: r.id):
        click.echo(f"{rule.id:40} {rule.severity!s:9} diagnose  {rule.title}")
    for lint_rule in sorted(LINT_RULES, key=lambda r: r.id):
        click.echo(f"{lint_rule.id:40} {lint_rule.severity!s:9} lint      {lint_rule.title}")


def _fail(error: FirstDominoError, debug: bool) -> NoReturn:
    if debug:
        traceback.print_exception(error)
    click.echo(f"error: {error}", err=True)
    if isinstance(error, ClusterUnreachable):
        sys.exit(EXIT_UNREACHABLE)
    if isinstance(error, InputError | UsageError):
        sys.exit(EXIT_INPUT)
    sys.exit(EXIT_INPUT)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> None:
    """Console entry point. Exits with os._exit after flushing, to skip freeing a multi-GB heap.
    SIGTERM is handled like Ctrl-C, so that temporary files are removed on the way out."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        cli.main(standalone_mode=False)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    except click.ClickException as error:
        error.show()
        code = EXIT_INPUT
    except click.Abort:
        code = 130
    except KeyboardInterrupt:
        code = 130
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
