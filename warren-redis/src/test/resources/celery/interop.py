"""The Celery side of Warren's Celery interop tests: a Celery app (JSON only) whose worker runs the
py.* tasks on queue 'celery', and a client that sends tasks to Warren's Java worker on queue
'warren' and prints one line per scenario: RESULT <name> <json>.

BROKER and BACKEND come from the environment (the test's vhost, its Redis DB or rpc://)."""
import json
import os
import sys
import time

from celery import Celery, chain

app = Celery("interop", broker=os.environ["BROKER"], backend=os.environ["BACKEND"])
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_default_queue="celery",
    broker_connection_retry=False,
    worker_hijack_root_logger=False,
)


@app.task(name="py.add")
def add(x, y):
    return x + y


@app.task(name="py.fail")
def fail(why):
    raise ValueError("python says no: " + why)


def report(name, value):
    print("RESULT", name, json.dumps(value), flush=True)


def outcome(result, timeout=30):
    """The result, or the exception's type and message, as AsyncResult.get() gives them."""
    try:
        return {"ok": result.get(timeout=timeout)}
    except Exception as e:  # noqa: BLE001 - the test compares the type by name
        return {"error": type(e).__name__, "message": str(e), "state": result.state}


def client(scenarios):
    for scenario in scenarios:
        if scenario == "roundtrip":
            r = app.send_task("java.echo", args=[1, "two"], kwargs={"k": [3, None]}, queue="warren")
            report("roundtrip", outcome(r))
        elif scenario == "failure":
            r = app.send_task("java.fail", args=["bad input"], queue="warren")
            report("failure", outcome(r))
        elif scenario == "unknown":
            r = app.send_task("java.nobody", queue="warren")
            report("unknown", outcome(r))
        elif scenario == "countdown":
            sent = time.time()
            r = app.send_task("java.now", countdown=3, queue="warren")
            out = outcome(r)
            if "ok" in out:
                out["late_s"] = out["ok"] / 1000.0 - sent
            report("countdown", out)
        elif scenario == "revoke":
            r = app.send_task("java.echo", args=["never"], countdown=4, queue="warren")
            app.control.revoke(r.id)
            report("revoke", outcome(r))
        elif scenario == "expired":
            r = app.send_task("java.echo", args=["late"], countdown=2, expires=1, queue="warren")
            report("expired", outcome(r))
        elif scenario == "chain":
            c = chain(
                app.signature("py.add", args=(2, 3)),
                app.signature("java.double").set(queue="warren"),
                app.signature("py.add", args=(100,)),
            )
            report("chain", outcome(c.apply_async(), timeout=60))
        elif scenario == "chain_failure":
            c = chain(
                app.signature("py.add", args=(2, 3)),
                app.signature("java.fail").set(queue="warren"),
                app.signature("py.add", args=(100,)),
            )
            report("chain_failure", outcome(c.apply_async(), timeout=60))
        elif scenario == "link":
            callback = app.signature("py.add", args=(1,))
            callback.freeze()
            app.send_task("java.double", args=[21], queue="warren", link=callback)
            report("link", outcome(app.AsyncResult(callback.id)))
        elif scenario == "timelimit":
            r = app.send_task("java.block", args=["limited"], time_limit=1, queue="warren")
            report("timelimit", outcome(r))
        elif scenario == "send_block":
            r = app.send_task("java.block", args=["running"], queue="warren")
            report("send_block", {"id": r.id})
        elif scenario.startswith("revoke_id:"):
            task_id = scenario.split(":", 1)[1]
            app.control.revoke(task_id)
            report("revoke_id", outcome(app.AsyncResult(task_id)))
        elif scenario == "pickle":
            app.send_task("java.echo", args=[1], queue="warren", serializer="pickle")
            report("pickle", {"ok": "sent"})
        else:
            raise SystemExit("unknown scenario " + scenario)


if __name__ == "__main__":
    client(sys.argv[1:])
