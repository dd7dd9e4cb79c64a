"""What the nightly scheduler's job store says, read without starting a scheduler.

APScheduler keeps its jobs in a table of the inventory database (``collectors.schedule`` writes it);
readers such as the dashboard only need each job's next run time, which the table holds as a UTC
epoch — no unpickling, no scheduler.
"""

from datetime import UTC, datetime

from sqlalchemy import Engine, column, inspect, select, table

SCHEDULER_JOBS_TABLE = "apscheduler_jobs"


def next_run_times(engine: Engine) -> dict[str, datetime]:
    """Job id → next run time (UTC); empty when nothing was ever scheduled or a job is paused."""
    if not inspect(engine).has_table(SCHEDULER_JOBS_TABLE):
        return {}
    jobs = table(SCHEDULER_JOBS_TABLE, column("id"), column("next_run_time"))
    with engine.connect() as conn:
        rows = conn.execute(select(jobs.c.id, jobs.c.next_run_time)).all()
    return {str(job_id): datetime.fromtimestamp(float(when), UTC) for job_id, when in rows if when is not None}
