"""A FastAPI service (seed 004) that renders images with Celery tasks run by a Java Warren worker.

    uvicorn app:api                  # the service (BROKER and BACKEND as below)
    python3 app.py --self-check      # two renders through the API, checked

POST /renders {"path": "cat.jpg", "width": 512} sends the Celery task image.render to queue
'images', where Warren's ImageRenderWorker runs it; GET /renders/<id> reads its state and result
with Celery's AsyncResult from Celery's Redis backend (BACKEND, default redis://127.0.0.1:6379/0;
the Java worker writes there when WARREN_CELERY_RESULT_BACKEND is the same URL). Not rpc://: its
replies reach only the thread that sent the task, and FastAPI answers requests on other threads.
Nothing here knows that the worker is Java."""
import os
import sys
import time

from celery import Celery
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

celery = Celery(
    "renders",
    broker=os.environ.get("BROKER", "amqp://guest:guest@127.0.0.1:5672//"),
    backend=os.environ.get("BACKEND", "redis://127.0.0.1:6379/0"),
)
celery.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"])

api = FastAPI(title="renders")


class Render(BaseModel):
    path: str
    width: int


@api.post("/renders", status_code=202)
def submit(render: Render):
    result = celery.send_task("image.render", kwargs=render.dict(), queue="images")
    return {"id": result.id}


@api.get("/renders/{task_id}")
def status(task_id: str):
    result = celery.AsyncResult(task_id)
    if result.state == "FAILURE":
        raise HTTPException(status_code=422, detail=str(result.result))
    return {"id": task_id, "state": result.state, "result": result.result if result.ready() else None}


def self_check():
    """Posts two renders through the API and waits for Warren's answers (at most 30 s each)."""
    from fastapi.testclient import TestClient

    client = TestClient(api)
    for body, expect in (({"path": "cat.jpg", "width": 512}, 200), ({"path": "", "width": 0}, 422)):
        task_id = client.post("/renders", json=body).json()["id"]
        deadline = time.time() + 30
        while True:
            r = client.get(f"/renders/{task_id}")
            if r.status_code != 200 or r.json()["state"] == "SUCCESS":
                break
            if time.time() > deadline:
                sys.exit(f"render {task_id} not done after 30 s: {r.json()}")
            time.sleep(0.1)
        print("render", body, "->", r.status_code, r.json(), flush=True)
        if r.status_code != expect:
            sys.exit(f"expected HTTP {expect}, got {r.status_code}")


if __name__ == "__main__" and "--self-check" in sys.argv:
    self_check()
