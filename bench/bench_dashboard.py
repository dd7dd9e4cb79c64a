"""Dashboard times on a large demo estate: in a real browser, and page by page with Streamlit's AppTest.

Builds a demo estate (50 000 VMs; ``--small``: 2 000 for CI) in a temporary SQLite file, then computes
the recommended plan ahead as ``parcimonie collect``, ``import`` and ``demo`` do (``--no-warm``: not,
as a dashboard started on a database loaded by an older version).

Browser (``dashboard_browser.py``; skipped with ``--no-browser`` or without chromium): the app served,
headless chromium at 1366 × 768; from the server's first health answer, the first page drawn (target
≤ 3 s), then each interaction (change the language, open Consolidation, change the ceiling to the
preloaded 40 % then to 60 %, open the placement list, back to the overview; target ≤ 1 s each).

AppTest (skipped with ``--browser-only``): loads every page once (cold: caches fill), then times each
page's render again (warm; target ≤ 3 s) and a consolidation recompute with new parameters (cache miss
on the plan only; target ≤ 2 s), split into the planning layer's ``run_plan`` and the page around it.
On Finances, it times a change of the electricity price in the parameters' form (no recompute until
applied) and the recompute once applied.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PAGES = ("overview", "inventory", "consolidation", "scenarios", "finances", "collection")
PAGE_TARGET_S = 3.0
RECOMPUTE_TARGET_S = 2.0


def _build(url: str, n_vms: int) -> float:
    from collectors.demo import generate_demo_estate
    from inventory import ensure_default_catalogue, make_engine, record_run, session_scope, upgrade_database

    start = time.perf_counter()
    engine = make_engine(url)
    upgrade_database(engine)
    with session_scope(engine) as session:
        ensure_default_catalogue(session)
    record_run(
        engine, source="demo", kind="demo", collect=lambda: generate_demo_estate(n_vms=n_vms, today=date(2026, 11, 23))
    )
    engine.dispose()
    return time.perf_counter() - start


def _warm(url: str) -> float:
    """What ``parcimonie collect``, ``import`` and ``demo`` do after loading: the first screen's plan stored."""
    from inventory import make_engine
    from parcimonie.warmup import warm_plan

    engine = make_engine(url)
    start = time.perf_counter()
    if not warm_plan(engine):
        raise RuntimeError("the recommended plan was not computed ahead")
    engine.dispose()
    return time.perf_counter() - start


def _timed(action) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


class _PlanClock:
    """Wraps ``dashboard.plans.run_plan`` (the planning layer) to time it inside the page runs."""

    def __init__(self) -> None:
        import dashboard.plans

        self.spent_s = 0.0
        self._module = dashboard.plans
        self._run_plan = dashboard.plans.run_plan
        dashboard.plans.run_plan = self._timed  # type: ignore[assignment]

    def _timed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return self._run_plan(*args, **kwargs)
        finally:
            self.spent_s += time.perf_counter() - start

    def lap(self) -> float:
        spent, self.spent_s = self.spent_s, 0.0
        return spent


def main() -> int:
    """Print cold and warm render times per page and the consolidation recompute time."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="2 000 VMs instead of 50 000 (CI)")
    parser.add_argument("--vms", type=int, default=None, help="number of VMs of the demo estate")
    parser.add_argument("--no-browser", action="store_true", help="AppTest figures only")
    parser.add_argument("--browser-only", action="store_true", help="real-browser figures only")
    parser.add_argument(
        "--no-warm", action="store_true", help="serve without the plan computed ahead (as before a collection)"
    )
    args = parser.parse_args()
    n_vms = args.vms or (2_000 if args.small else 50_000)
    import logging

    logging.disable(logging.WARNING)
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        print(f"demo estate: {n_vms} VMs, loaded in {_build(url, n_vms):.1f} s", flush=True)
        if not args.no_warm:
            print(f"recommended plan, tornado and current cost computed ahead in {_warm(url):.1f} s", flush=True)
        if not args.no_browser:
            failures += _browser(url)
        if not args.browser_only:
            failures += _apptest(url)
    for failure in failures:
        print(f"over target: {failure}", flush=True)
    return 0


def _browser(url: str) -> list[str]:
    """The browser's figures, printed; the ones over their target."""
    from tests.support.browser import missing_browser

    if missing_browser():
        print(f"browser: skipped, missing {', '.join(missing_browser())}", flush=True)
        return []
    from bench.dashboard_browser import measure

    over: list[str] = []
    for step, seconds, target in measure(url):
        print(f"browser  {step:<40} {seconds:6.2f} s   (target ≤ {target:.0f} s)", flush=True)
        if seconds > target:
            over.append(f"browser {step} {seconds:.2f} s > {target:.0f} s")
    return over


def _apptest(url: str) -> list[str]:
    """AppTest's figures, printed; the ones over their target."""
    from streamlit.testing.v1 import AppTest

    failures: list[str] = []
    os.environ["PARCIMONIE_DATABASE_URL"] = url
    clock = _PlanClock()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=600)
    results: list[tuple[str, float, float]] = []
    for page in PAGES:

        def render(page: str = page) -> None:
            at.switch_page(f"app_pages/{page}.py")
            at.run()
            if at.exception:
                raise RuntimeError(f"{page}: {at.exception[0].value}")

        cold = _timed(render)
        warm = _timed(render)
        results.append((page, cold, warm))
        print(f"{page:<14} cold {cold:6.2f} s   warm {warm:6.2f} s", flush=True)
        if warm > PAGE_TARGET_S:
            failures.append(f"{page} warm render {warm:.2f} s > {PAGE_TARGET_S} s")
    at.switch_page("app_pages/consolidation.py")
    at.run()
    clock.lap()
    recompute = _timed(lambda: at.number_input(key="cons_ceiling").set_value(60).run())
    plan_s = clock.lap()
    print(
        f"consolidation recompute (ceiling 80 % → 60 %): {recompute:.2f} s "
        f"(run_plan {plan_s:.2f} s, page {recompute - plan_s:.2f} s)",
        flush=True,
    )
    if recompute > RECOMPUTE_TARGET_S:
        failures.append(f"consolidation recompute {recompute:.2f} s > {RECOMPUTE_TARGET_S} s")
    detail = _timed(lambda: at.radio(key="cons_section").set_value("after").run())
    print(f"consolidation open the hosts after: {detail:.2f} s", flush=True)
    review = _timed(lambda: at.selectbox(key="cons_review").set_value(at.selectbox(key="cons_review").options[1]).run())
    print(f"consolidation review another host: {review:.2f} s", flush=True)
    at.switch_page("app_pages/finances.py")
    at.run()
    clock.lap()
    edit = _timed(lambda: at.number_input(key="fin_price").set_value(30).run())
    print(f"finances price edited, not applied: {edit:.2f} s (run_plan {clock.lap():.2f} s)", flush=True)

    def apply() -> None:
        at.number_input(key="fin_price").set_value(30)
        at.button(key="fin_apply").click().run()

    applied = _timed(apply)
    print(
        f"finances price applied (every offer, replacement plan): {applied:.2f} s (run_plan {clock.lap():.2f} s)",
        flush=True,
    )
    if at.exception:
        raise RuntimeError(f"finances: {at.exception[0].value}")
    return failures


if __name__ == "__main__":
    sys.exit(main())
